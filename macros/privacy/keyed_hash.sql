{#
    A pseudonym that joins like the value but cannot be recomputed from a
    guessed value without the key: sha256_hex(key || ':' || value). The key
    comes only from the environment, never from a file in the repository.
#}
{% macro keyed_hash(expression) -%}
    {{ return(adapter.dispatch('keyed_hash', 'customer360')(expression)) }}
{%- endmacro %}

{# Null in, null out: concatenating a null gives null on every engine. #}
{% macro default__keyed_hash(expression) -%}
    {%- set text_type = dbt.type_string() | lower -%}
    {{ customer360.sha256_hex(customer360.hash_key_literal() ~ " || ':' || cast(" ~ expression ~ " as " ~ text_type ~ ")") }}
{%- endmacro %}


{#
    The key as a quoted SQL literal. An empty key fails the run when SQL is
    executed; at parse time (execute is false) an empty literal is enough.
#}
{% macro hash_key_literal() -%}
    {%- set key = env_var('C360_HASH_KEY', '') -%}
    {%- if execute and key == '' -%}
        {{ exceptions.raise_compiler_error(
            "keyed_hash: the environment variable C360_HASH_KEY is not set (or is empty). "
            ~ "Set C360_HASH_KEY to the secret pseudonymisation key before running dbt; "
            ~ "it is deliberately never read from a file in the project."
        ) }}
    {%- endif -%}
    {{ return(customer360.quoted_text_literal(key)) }}
{%- endmacro %}


{% macro quoted_text_literal(value) -%}
    {{ return(adapter.dispatch('quoted_text_literal', 'customer360')(value)) }}
{%- endmacro %}

{# Standard SQL: only the quote is special, and it is doubled. #}
{% macro default__quoted_text_literal(value) -%}
    {{ return("'" ~ (value | replace("'", "''")) ~ "'") }}
{%- endmacro %}

{# Spark string literals also read backslash escapes, so backslashes are doubled too. #}
{% macro spark__quoted_text_literal(value) -%}
    {{ return("'" ~ (value | replace("\\", "\\\\") | replace("'", "\\'")) ~ "'") }}
{%- endmacro %}


{#
    Which key a model's keyed hashes were made with, without revealing it:
    the keyed hash of a fixed text. A model built per customer stores it on
    each row as part of the row's version, so that rows hashed under an
    earlier C360_HASH_KEY are rewritten once the key changes.
#}
{% macro hash_key_fingerprint() -%}
    {{ return(customer360.keyed_hash("'customer360 hash key fingerprint'")) }}
{%- endmacro %}
