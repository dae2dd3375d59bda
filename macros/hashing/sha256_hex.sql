{% macro sha256_hex(expression) -%}
    {{ return(adapter.dispatch('sha256_hex', 'customer360')(expression)) }}
{%- endmacro %}

{# sha2(text, 256) answers lower-case hex in Spark, Databricks and MySQL. #}
{% macro default__sha256_hex(expression) -%}
    sha2(cast({{ expression }} as {{ dbt.type_string() | lower }}), 256)
{%- endmacro %}

{% macro duckdb__sha256_hex(expression) -%}
    sha256(cast({{ expression }} as varchar))
{%- endmacro %}

{# PostgreSQL hashes bytes: encode the text as UTF-8 first, hex-encode the digest. #}
{% macro postgres__sha256_hex(expression) -%}
    encode(sha256(convert_to(cast({{ expression }} as text), 'UTF8')), 'hex')
{%- endmacro %}
