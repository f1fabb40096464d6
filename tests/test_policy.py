"""AnswerPolicy: the tuned numbers of reading and judging."""
import pytest

from qa.errors import QAError
from qa.policy import AnswerPolicy


@pytest.mark.parametrize("question, passage, gap", [
    ("en", "en", 0.0),
    ("zh", "zh", 0.0),  # one language: nothing to add back
    ("zh", "en", 0.085),
    ("en", "ko", 0.098),  # an English question about a Korean deck
    ("ko", "zh", 0.098),  # two languages, neither English: the larger gap
    ("pt", "en", 0.067),  # a language not measured: the default
])
def test_the_encoders_gap_is_added_back_by_language_pair(question, passage, gap):
    assert AnswerPolicy().gap(question, passage) == pytest.approx(gap)


def test_a_negative_gap_is_refused_and_the_environment_cannot_garble_the_table(monkeypatch):
    with pytest.raises(QAError, match="language_gap"):
        AnswerPolicy(language_gap=(("zh", -0.1),))
    monkeypatch.setenv("QA_LANGUAGE_GAP", "0.5")
    monkeypatch.setenv("QA_LANGUAGE_GAP_DEFAULT", "0.05")
    p = AnswerPolicy.from_env()
    assert p.language_gap == AnswerPolicy().language_gap and p.language_gap_default == 0.05
