"""Valid identifiers for demo data, made with the real check characters."""

from tongban.core.validators import credit_code_check_char, id_number_check_char


def credit_code(prefix: str, region: str, serial: int) -> str:
    """prefix: '11' for a government agency, '91' for a company."""
    first17 = f"{prefix}{region}{serial:09d}"
    return first17 + credit_code_check_char(first17)


def id_number(region: str, birth: str, serial: int) -> str:
    first17 = f"{region}{birth}{serial:03d}"
    return first17 + id_number_check_char(first17)
