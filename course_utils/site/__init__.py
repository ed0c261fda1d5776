"""What only the built site needs: the explorers' site versions and scripts, the Sphinx
extensions (:mod:`.offline_site`, :mod:`.explorer_pages`), the models the site's explorers load
(:mod:`.models`) and the results page (:mod:`.report`).

- :mod:`.live`: the live explorers' data for the page (their scripts are ``js/*.js``);
- :mod:`.frames`: a static explorer's frames, drawn by its widget over a grid of settings;
- :mod:`.static_explorer`: those frames as notebook data, and as a page of plain controls;
- :mod:`.explorer_pages`: the extension that adds the scripts to the pages that show explorers
  and writes static explorers' frames to files.
"""
