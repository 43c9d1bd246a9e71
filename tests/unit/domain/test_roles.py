from domain.roles import COMPANY_ROLES, UNIT_ROLES, Role


def test_every_role_has_a_russian_name_that_messages_can_carry() -> None:
    for role in Role:
        assert role.title_ru
        assert str(role.title_text) == role.title_ru


def test_the_dc_director_is_named_in_russian() -> None:
    assert Role.DC_DIRECTOR.title_ru == "Директор дилерского центра"
    assert Role("treasurer").title_ru == "Казначей"


def test_company_and_unit_roles_split_all_roles() -> None:
    assert set(Role) == COMPANY_ROLES | UNIT_ROLES
    assert not COMPANY_ROLES & UNIT_ROLES
