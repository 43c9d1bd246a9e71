import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.errors import DomainError, InvalidPhoneError
from domain.phone import normalize_phone


@pytest.mark.parametrize(
    "raw",
    [
        "+7 (912) 000-00-01",
        "8 912 000 00 01",
        "79120000001",
        "+79120000001",
        "9120000001",
        "8(912)000.00.01",
        " +7-912-000-00-01 ",
        "7 912 000 0001",
        "+7\u00a0912\u00a0000\u00a000\u00a001",  # copied from a web page
    ],
)
def test_russian_spellings_become_one_e164_number(raw: str) -> None:
    assert normalize_phone(raw) == "+79120000001"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("+44 20 7946 0958", "+442079460958"),
        ("+1 (202) 555-0123", "+12025550123"),
        ("380501234567", "+380501234567"),  # Telegram omits the '+' for foreign numbers too
        ("+7 727 123 45 67", "+77271234567"),  # Kazakhstan shares +7
    ],
)
def test_international_numbers_keep_their_digits(raw: str, expected: str) -> None:
    assert normalize_phone(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "   ",
        "912000",
        "+7 912 000 00 0",
        "+7 912 000 00 011",
        "tel: 89120000001",
        "8 912 000 00 01 доб. 5",
        "+0 123 456 789",
        "0120000001",
        "79120000001+",
        "+1234567",
        "+1234567890123456",
        "+7 ٩١٢ ٠٠٠ ٠٠ ٠١",  # non-ASCII digits
    ],
)
def test_garbage_is_refused_with_a_russian_message(raw: str) -> None:
    with pytest.raises(InvalidPhoneError) as caught:
        normalize_phone(raw)
    assert isinstance(caught.value, DomainError)
    assert "не распознан" in caught.value.message


national = st.from_regex(r"9[0-9]{9}", fullmatch=True)
separators = st.sampled_from(["", " ", "-", ".", " - "])


@given(national, st.sampled_from(["+7", "8", "7", ""]), separators)
def test_any_russian_mobile_spelling_normalizes_to_the_same_number(
    number: str, prefix: str, sep: str
) -> None:
    spelled = f"{prefix}{sep}({number[:3]}){sep}{number[3:6]}{sep}{number[6:8]}{sep}{number[8:]}"
    assert normalize_phone(spelled) == f"+7{number}"


@given(st.text(max_size=30))
def test_normalization_either_gives_e164_or_a_domain_error(raw: str) -> None:
    try:
        result = normalize_phone(raw)
    except InvalidPhoneError:
        return
    assert result.startswith("+")
    assert result[1:].isascii() and result[1:].isdigit()
    assert 8 <= len(result) - 1 <= 15
    assert normalize_phone(result) == result
