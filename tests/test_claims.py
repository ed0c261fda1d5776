import pytest

from course_utils import claims, config


@pytest.fixture(params=["full", "fast"])
def profile(request, monkeypatch):
    monkeypatch.setenv(config.PROFILE_VARIABLE, request.param)
    return request.param


def test_a_claim_that_holds_passes_silently(profile, capsys):
    assert claims.check(3 > 2, "three beats two") is None
    assert capsys.readouterr().out == ""


def test_a_claim_that_fails_quotes_its_sentence(profile):
    with pytest.raises(claims.ClaimFailed, match="no longer holds: 'the convnet beats the dense"):
        claims.check(0.90 > 0.95, "the convnet beats the dense network")


def test_a_full_size_claim_is_skipped_visibly_in_the_fast_profile(monkeypatch, capsys):
    monkeypatch.setenv(config.PROFILE_VARIABLE, "fast")
    assert claims.check(False, "the curves climb", needs_full=True) is None
    assert capsys.readouterr().out == f"{claims.SKIPPED} the curves climb\n"


def test_a_full_size_claim_is_checked_in_the_full_profile(monkeypatch):
    monkeypatch.setenv(config.PROFILE_VARIABLE, "full")
    with pytest.raises(claims.ClaimFailed):
        claims.check(False, "the curves climb", needs_full=True)


@pytest.mark.parametrize(("sentence", "error"), [("", ValueError), ("   ", ValueError),
                                                (None, TypeError), (3, TypeError)])
def test_the_sentence_must_be_text(sentence, error):
    with pytest.raises(error, match="sentence must be the claim"):
        claims.check(True, sentence)
