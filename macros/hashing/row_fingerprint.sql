{% macro row_fingerprint(columns) -%}
    {{ return(adapter.dispatch('row_fingerprint', 'customer360')(columns)) }}
{%- endmacro %}

{#
    The values are written as one compact JSON array of strings, which reads
    back unambiguously: ('a|b', 'c') and ('a', 'b|c') differ, as do
    (null, 'a') and ('a', null), and null differs from ''. Each engine's JSON
    writer is one vectorised call, far cheaper than concatenating per value.
#}
{% macro digested_columns(columns, digest_name) -%}
    {#- One column name or a list of them, as a list; none at all fails, naming the digest. -#}
    {%- set column_list = [columns] if columns is string else columns -%}
    {%- if column_list | length == 0 -%}
        {{ exceptions.raise_compiler_error(digest_name ~ ": columns must name at least one column") }}
    {%- endif -%}
    {{ return(column_list) }}
{%- endmacro %}

{% macro fingerprint_column_list(columns) -%}
    {%- set as_text = [] -%}
    {%- for column in customer360.digested_columns(columns, 'row_fingerprint') -%}
        {%- do as_text.append('cast(' ~ column ~ ' as ' ~ (dbt.type_string() | lower) ~ ')') -%}
    {%- endfor -%}
    {{ return(as_text | join(', ')) }}
{%- endmacro %}

{# Spark: to_json of an array of strings writes ["a",null] without spaces. #}
{% macro default__row_fingerprint(columns) -%}
    {{ customer360.md5_digest('to_json(array(' ~ customer360.fingerprint_column_list(columns) ~ '))') }}
{%- endmacro %}

{% macro duckdb__row_fingerprint(columns) -%}
    {{ customer360.md5_digest('to_json([' ~ customer360.fingerprint_column_list(columns) ~ '])') }}
{%- endmacro %}

{# array_to_json writes no spaces (json_build_array would write '["a", null]'). #}
{% macro postgres__row_fingerprint(columns) -%}
    {{ customer360.md5_digest('array_to_json(array[' ~ customer360.fingerprint_column_list(columns) ~ ']::text[])::text') }}
{%- endmacro %}


{% macro comparison_digest(columns) -%}
    {{ return(adapter.dispatch('comparison_digest', 'customer360')(columns)) }}
{%- endmacro %}

{#
    A digest of a row for comparing rows within one query, never stored: it
    need not stay the same across engine versions. Equal rows always get equal
    digests; two different rows may collide, which can only make a comparison
    report a match that a look at the rows disproves, never miss one.
    Elsewhere it is the row fingerprint.
#}
{% macro default__comparison_digest(columns) -%}
    {{ customer360.row_fingerprint(columns) }}
{%- endmacro %}

{#
    DuckDB's own 64-bit hash of the values, nulls included, in column order:
    no text to serialise and no MD5 (4.6 M segment versions: 5.3 to 3.1 CPU
    seconds; 1.1 M golden-record versions of 25 columns: 3.5 to 0.8). Its
    values change between DuckDB releases, which is why stored fingerprints
    do not use it.
#}
{% macro duckdb__comparison_digest(columns) -%}
    hash({{ customer360.digested_columns(columns, 'comparison_digest') | join(', ') }})
{%- endmacro %}


{% macro md5_digest(text_expression) -%}
    {{ return(adapter.dispatch('md5_digest', 'customer360')(text_expression)) }}
{%- endmacro %}

{#
    The 128-bit MD5 digest in the engine's most compact type. Stored in every
    base staging row, a fixed-width number is written far faster than 32
    characters of hex that no string compression can shrink (1,000,000
    customers, 5.2 million web events: 16.6 to 11.7 CPU seconds to write the
    table). Spark has no 128-bit type and keeps the hex text.
#}
{% macro default__md5_digest(text_expression) -%}
    md5({{ text_expression }})
{%- endmacro %}

{% macro duckdb__md5_digest(text_expression) -%}
    md5_number({{ text_expression }})
{%- endmacro %}

{# A uuid is 16 bytes, read from the hex digest. #}
{% macro postgres__md5_digest(text_expression) -%}
    cast(md5({{ text_expression }}) as uuid)
{%- endmacro %}


{#- Whether md5_digest answers text: a table built with the other form must be rebuilt. -#}
{% macro md5_digest_is_text() %}
    {{ return(adapter.dispatch('md5_digest_is_text', 'customer360')()) }}
{% endmacro %}

{% macro default__md5_digest_is_text() %}
    {{ return(true) }}
{% endmacro %}

{% macro duckdb__md5_digest_is_text() %}
    {{ return(false) }}
{% endmacro %}

{% macro postgres__md5_digest_is_text() %}
    {{ return(false) }}
{% endmacro %}


{#
    Stops an incremental build over a table whose stored digests are of the
    other form (hex text before 2026-12-02): they would never equal a new
    digest, or not even compare, so the table must be rebuilt once.
#}
{% macro stop_if_digest_form_changed(relation, column_name) %}
    {%- for column in adapter.get_columns_in_relation(relation) -%}
        {%- if column.name | lower == column_name and column.is_string() != customer360.md5_digest_is_text() -%}
            {{ exceptions.raise_compiler_error(
                relation ~ " holds " ~ column_name ~ " values of type " ~ column.data_type
                ~ ", which this version no longer writes; rebuild it once with: dbt build --full-refresh --select "
                ~ model.name
            ) }}
        {%- endif -%}
    {%- endfor -%}
{% endmacro %}
