import numpy as np
import pandas as pd
import pytest

from sarasehan import i18n
from sarasehan.checks import check_answer, digest, expect


def test_digest_is_stable_across_types_and_rounding():
    assert digest(13.0, 1) == digest(12.99999999, 1) == digest(np.float64(13.0), 1)
    s1 = pd.Series([25.0, 20.0], index=[2008, 2009])
    s2 = pd.Series([24.999999, 20.00001], index=np.array([2008, 2009], dtype="int32"))
    assert digest(s1, 1) == digest(s2, 1)
    assert digest(s1, 1) != digest(s1.iloc[::-1], 1)  # order matters


def test_progressive_feedback_type_then_shape_then_values():
    s = pd.Series([1.0, 2.0, 3.0], index=["a", "b", "c"])
    spec = dict(name="x", kind="series", length=3, index=["a", "b", "c"], decimals=1, expected_digest=digest(s, 1))
    i18n.set_language("en")
    assert "no answer" in check_answer(None, **spec).message
    assert "should be a pandas Series" in check_answer([1, 2, 3], **spec).message
    assert "3 rows" in check_answer(s.iloc[:2], **spec).message
    assert "wrong order" in check_answer(s.iloc[::-1], **spec).message
    assert "values are not right" in check_answer(s * 2, **spec).message
    assert check_answer(s, **spec).passed


def test_feedback_never_contains_the_expected_value():
    expected = 1.1957
    spec = dict(name="gap_2024", kind="number", decimals=2, expected_digest=digest(expected, 2))
    for lang in ("id", "en"):
        i18n.set_language(lang)
        for wrong in (1.0, 0.8363, 221.56, 2):
            msg = check_answer(wrong, **spec).message
            assert "1.2" not in msg and "1,2" not in msg and "1.19" not in msg


def test_nan_and_bool_are_caught():
    i18n.set_language("id")
    assert "NaN" in check_answer(float("nan"), name="x", kind="number").message
    assert not check_answer(True, name="x", kind="number").passed


def test_expect_raises_assertion_with_message_in_learner_language():
    i18n.set_language("id")
    with pytest.raises(AssertionError, match="belum ada jawaban"):
        expect(None, name="growth", kind="series")
