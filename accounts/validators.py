"""Password rule of 等保三级 (GB/T 22239-2019 8.1.4.1): at least 8 characters of 3 character classes."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from accounts import rules


class CharacterClassValidator:
    def __init__(self, min_classes: int = rules.PASSWORD_MIN_CLASSES):
        self.min_classes = min_classes

    def validate(self, password: str, user=None) -> None:
        if rules.password_character_classes(password) < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self) -> str:
        return (
            f"密码须同时包含大写字母、小写字母、数字、特殊字符中的至少 {self.min_classes} 类"
            "（等保三级 身份鉴别要求）。"
        )
