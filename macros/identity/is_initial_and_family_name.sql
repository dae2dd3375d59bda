{#
    True when the letters `short` are an initial and a family name that the
    longer letters `long` spell out, given name first or family name first:
    wthompson in williamthompson, phughes in hughespamela. Plain substring and
    length, so every engine reads it alike.
#}
{% macro is_initial_and_family_name(short, long) -%}
    (
        length({{ long }}) > length({{ short }})
        and (
            (
                substring({{ short }}, 1, 1) = substring({{ long }}, 1, 1)
                and substring({{ long }}, length({{ long }}) - length({{ short }}) + 2) = substring({{ short }}, 2)
            )
            or (
                substring({{ long }}, 1, length({{ short }}) - 1) = substring({{ short }}, 2)
                and substring({{ long }}, length({{ short }}), 1) = substring({{ short }}, 1, 1)
            )
        )
    )
{%- endmacro %}
