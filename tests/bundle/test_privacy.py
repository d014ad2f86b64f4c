"""No ID number, mobile or e-mail in clear in any message, whatever field it was typed into."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.bundle import BundleError, validate_bundle
from tests.bundle.conftest import edit

SECRETS = [
    "110101199003077777",
    "11010119900307777X",
    "110101900307777",
    "12800138000",
    "zhang.san@example.cn",
]


@pytest.mark.parametrize("secret", SECRETS)
def test_bundle_error_masks_every_field(secret: str) -> None:
    error = BundleError(f'extra."{secret}"', secret, f"'{secret}' is wrong — fix {secret}")
    assert secret not in str(error) and secret not in repr(error.as_dict())


@pytest.mark.parametrize("secret", SECRETS)
def test_secret_in_any_field_never_printed(newco: Path, secret: str) -> None:
    edit(newco, 'scenarios = ["文本生成", "图像生成"]', f'scenarios = ["{secret}"]')
    edit(newco, 'website = "', f'website = "{secret}" #')
    edit(newco, 'version = "v1.0"', f'version = "{secret}\\u200B"')
    text = (newco / "filing.toml").read_text(encoding="utf-8")
    text = text.replace("[algorithm.data]", f'[algorithm.data]\nextra = {{ "{secret}" = 3 }}', 1)
    (newco / "filing.toml").write_text(text, encoding="utf-8")
    errors = validate_bundle(newco)
    assert len(errors) >= 4
    for error in errors:
        assert secret not in str(error)
