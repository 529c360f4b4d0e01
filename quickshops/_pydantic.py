"""The models as pydantic sees them, so that FastAPI can send and describe them.

Imported only when pydantic asks (`quickshops._models.Model.__get_pydantic_core_schema__`):
pydantic is never a dependency of the SDK. A model is sent as its ``to_dict()``, and
described by its fields, under the same names and with their types, so the OpenAPI
schema FastAPI writes lists them.
"""

from __future__ import annotations

import typing
from typing import Any

import attrs
from pydantic_core import core_schema


def model_schema(cls: type[Any], handler: Any) -> core_schema.CoreSchema:
    """The pydantic core schema of the model class `cls`.

    A model instance passes as it is and is serialised field by field, each by its
    type (nested models by their own schema), which gives its ``to_dict()``; the JSON
    shape is that dict. JSON in that shape (a request body, say) validates to a model.
    """
    hints = typing.get_type_hints(cls)
    names = tuple(field.name for field in attrs.fields(cls) if "wire" in field.metadata)
    fields = {
        name: core_schema.typed_dict_field(handler.generate_schema(hints[name])) for name in names
    }
    shape = core_schema.typed_dict_schema(fields, config=core_schema.CoreConfig(title=cls.__name__))

    def build(data: dict[str, Any]) -> Any:
        return cls(**data)

    def fields_of(model: Any) -> dict[str, Any]:  # each serialised by its type: as to_dict()
        return {name: getattr(model, name) for name in names}

    return core_schema.json_or_python_schema(
        json_schema=core_schema.no_info_after_validator_function(build, shape),
        python_schema=core_schema.is_instance_schema(cls),
        serialization=core_schema.plain_serializer_function_ser_schema(
            fields_of, return_schema=shape
        ),
        ref=f"{cls.__module__}.{cls.__qualname__}",
    )
