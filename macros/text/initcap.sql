{% macro initcap(expression) -%}
    {{ return(adapter.dispatch('initcap', 'customer360')(expression)) }}
{%- endmacro %}

{% macro default__initcap(expression) -%}
    initcap({{ expression }})
{%- endmacro %}

{#
    Composing accents first (NFC) keeps a decomposed "e + accent" inside its
    word; otherwise the letter after the accent would start a new word.
#}
{% macro postgres__initcap(expression) -%}
    initcap(normalize({{ expression }}, nfc))
{%- endmacro %}

{#
    DuckDB has no initcap. Split into runs of letters/digits and runs of
    anything else, upper-case the first character of each run and lower-case
    the rest: the same word boundaries as PostgreSQL (a letter after any
    non-alphanumeric character starts a word). Separators have no case, so
    transforming them too is harmless.
#}
{% macro duckdb__initcap(expression) -%}
    array_to_string(
        [
            upper(left(initcap_token, 1)) || lower(substr(initcap_token, 2))
            for initcap_token in regexp_extract_all(nfc_normalize({{ expression }}), '[\pL\pN]+|[^\pL\pN]+')
        ],
        ''
    )
{%- endmacro %}

{# Spark's initcap splits on white space only ("O'brien"); rebuild PostgreSQL's rule. #}
{% macro spark__initcap(expression) -%}
    array_join(
        transform(
            regexp_extract_all({{ expression }}, '([\\p{L}\\p{N}]+|[^\\p{L}\\p{N}]+)', 1),
            initcap_token -> concat(upper(substr(initcap_token, 1, 1)), lower(substr(initcap_token, 2)))
        ),
        ''
    )
{%- endmacro %}


{% macro normalize_person_name(expression) -%}
    {{ return(adapter.dispatch('normalize_person_name', 'customer360')(expression)) }}
{%- endmacro %}

{% macro default__normalize_person_name(expression) -%}
    {{ customer360.initcap(customer360.clean_text(expression)) }}
{%- endmacro %}
