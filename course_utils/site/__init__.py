"""What only the built site needs: live and static explorers, the offline-site Sphinx
extension (:mod:`.offline_site`) and the results page (:mod:`.report`).

- :mod:`.live`: the live explorers' HTML (their data as JSON, their scripts from ``js/``);
- :mod:`.static_explorer`: precomputed frames behind plain HTML controls.
"""
