from domain.roles import COMPANY_ROLES, UNIT_ROLES, Role


def test_every_role_has_a_russian_and_an_english_name() -> None:
    for role in Role:
        assert role.title_ru and role.title_en
        assert role.display_name("en") == role.title_en
        assert role.display_name("ru") == role.title_ru


def test_the_dc_director_is_named_in_russian() -> None:
    assert Role.DC_DIRECTOR.title_ru == "Директор дилерского центра"
    assert Role("treasurer").display_name() == "Казначей"


def test_company_and_unit_roles_split_all_roles() -> None:
    assert set(Role) == COMPANY_ROLES | UNIT_ROLES
    assert not COMPANY_ROLES & UNIT_ROLES
