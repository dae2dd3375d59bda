{% macro group_fingerprint(columns) -%}
    {{ return(adapter.dispatch('group_fingerprint', 'customer360')(columns)) }}
{%- endmacro %}

{#
    An aggregate: the row count and the sum of a 64-bit hash of each row's
    values, as text. A sum does not depend on the order of the rows, so no
    sort is needed, and one changed, added or removed row changes it (unless
    two hashes differ by exactly zero, about one chance in 2^64). Each engine's
    own hash takes the typed values null-safely, no text is built per row.
#}
{% macro default__group_fingerprint(columns) -%}
    concat(
        cast(count(*) as string), ':',
        cast(sum(cast(xxhash64({{ columns | join(', ') }}) as decimal(38, 0))) as string)
    )
{%- endmacro %}

{# hash(a, b, ...) is a UBIGINT; its sum a HUGEINT, which cannot overflow here. #}
{% macro duckdb__group_fingerprint(columns) -%}
    cast(count(*) as varchar) || ':' || cast(sum(hash({{ columns | join(', ') }})) as varchar)
{%- endmacro %}

{# hash_record_extended (PostgreSQL 14+) hashes a row value; the sum of bigints is numeric. #}
{% macro postgres__group_fingerprint(columns) -%}
    cast(count(*) as text) || ':' || cast(sum(hash_record_extended(row({{ columns | join(', ') }}), 0)) as text)
{%- endmacro %}
