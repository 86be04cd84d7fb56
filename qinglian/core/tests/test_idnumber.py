from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qinglian.core.idnumber import DEMO_REGION, IdNumberError, check_char, make, mask, parse

births = st.dates(min_value=date(1930, 1, 1), max_value=date(2008, 12, 31))
sequences = st.integers(min_value=0, max_value=999)


@given(births, sequences)
def test_every_generated_number_parses_back(born, seq):
    number = make(DEMO_REGION, born, seq)
    parsed = parse(number)
    assert parsed.number == number and parsed.birth_date == born
    assert parsed.gender == ("male" if seq % 2 else "female")


@given(births, sequences, st.integers(min_value=0, max_value=16), st.integers(min_value=1, max_value=9))
def test_any_single_digit_error_is_caught(born, seq, position, delta):
    number = make(DEMO_REGION, born, seq)
    wrong = str((int(number[position]) + delta) % 10)
    corrupted = number[:position] + wrong + number[position + 1 :]
    with pytest.raises(IdNumberError):
        parse(corrupted)


@given(births, sequences, st.integers(min_value=0, max_value=15))
def test_swapping_two_adjacent_different_digits_is_caught(born, seq, i):
    number = make(DEMO_REGION, born, seq)
    if number[i] == number[i + 1]:
        return
    swapped = number[:i] + number[i + 1] + number[i] + number[i + 2 :]
    with pytest.raises(IdNumberError):
        parse(swapped)


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("", "empty"),
        ("34989919800101123", "length"),
        ("3498991980010112345", "length"),
        ("34989919800101A23X", "characters"),
        ("99989919800101123X", "region"),
        ("340000198001011234", "region"),
        ("349899198002301234", "birth_date"),
        ("349899189912311234", "birth_date"),
        ("349899299901011234", "birth_date"),
    ],
)
def test_each_kind_of_error_has_its_own_message(raw, code):
    with pytest.raises(IdNumberError) as exc:
        parse(raw)
    assert exc.value.code == code and exc.value.message


def test_wrong_check_digit_message():
    good = make(DEMO_REGION, date(1980, 1, 1), 123)
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    with pytest.raises(IdNumberError, match="校验位"):
        parse(bad)


def test_fifteen_digit_legacy_number_converts():
    parsed = parse("349899800101123")
    assert parsed.converted_from_15 and parsed.number == "34989919800101123" + check_char("34989919800101123")
    assert parsed.birth_date == date(1980, 1, 1) and parsed.gender == "male"


def test_lower_case_x_and_spaces_are_normalised():
    number = next(
        make(DEMO_REGION, date(1975, 5, 5), s)
        for s in range(1000)
        if make(DEMO_REGION, date(1975, 5, 5), s).endswith("X")
    )
    assert parse(" " + number.lower() + " ").number == number


def test_mask_hides_birth_date():
    assert mask("349899198001011234") == "349899********1234"
    assert str(parse(make(DEMO_REGION, date(1980, 1, 1), 1))).startswith("349899********")


def test_a_child_born_today_in_china_is_not_in_the_future_when_utc_is_still_yesterday():
    """17:00 UTC on 24 November is 01:00 on 25 November in Asia/Shanghai."""
    import datetime as dt

    import time_machine

    born_today = make(DEMO_REGION, date(2026, 11, 25), 1)
    with time_machine.travel(dt.datetime(2026, 11, 24, 17, 0, tzinfo=dt.UTC), tick=False):
        assert parse(born_today).birth_date == date(2026, 11, 25)
        with pytest.raises(IdNumberError, match="晚于今天"):
            parse(make(DEMO_REGION, date(2026, 11, 26), 1))
