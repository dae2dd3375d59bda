{#
    An aggregate: the row count and the sum of a 64-bit hash of each row's
    values, as text. A sum does not depend on the order of the rows, so no
    sort is needed, and one changed, added or removed row changes it (unless
    two hashes differ by exactly zero, about one chance in 2^64). Each engine's
    own hash takes the typed values null-safely, no text is built per row.

    In two parts, so that a model can store each row's hash (row_hash) when it
    writes the row and a later query sums the stored hashes
    (fingerprint_of_row_hashes) without reading the hashed columns again: the
    result is the same as group_fingerprint over those columns.
#}
{% macro group_fingerprint(columns) -%}
    {{ customer360.fingerprint_of_row_hashes(customer360.row_hash(columns)) }}
{%- endmacro %}


{% macro row_hash(columns) -%}
    {{ return(adapter.dispatch('row_hash', 'customer360')(columns)) }}
{%- endmacro %}

{% macro default__row_hash(columns) -%}
    xxhash64({{ columns | join(', ') }})
{%- endmacro %}

{# hash(a, b, ...) is a UBIGINT. #}
{% macro duckdb__row_hash(columns) -%}
    hash({{ columns | join(', ') }})
{%- endmacro %}

{# hash_record_extended (PostgreSQL 14+) hashes a row value into a bigint. #}
{% macro postgres__row_hash(columns) -%}
    hash_record_extended(row({{ columns | join(', ') }}), 0)
{%- endmacro %}


{% macro fingerprint_of_row_hashes(hash_expression) -%}
    {{ return(adapter.dispatch('fingerprint_of_row_hashes', 'customer360')(hash_expression)) }}
{%- endmacro %}

{% macro default__fingerprint_of_row_hashes(hash_expression) -%}
    concat(
        cast(count(*) as string), ':',
        cast(sum(cast({{ hash_expression }} as decimal(38, 0))) as string)
    )
{%- endmacro %}

{# The sum of UBIGINTs is a HUGEINT, which cannot overflow here. #}
{% macro duckdb__fingerprint_of_row_hashes(hash_expression) -%}
    cast(count(*) as varchar) || ':' || cast(sum({{ hash_expression }}) as varchar)
{%- endmacro %}

{# The sum of bigints is numeric. #}
{% macro postgres__fingerprint_of_row_hashes(hash_expression) -%}
    cast(count(*) as text) || ':' || cast(sum({{ hash_expression }}) as text)
{%- endmacro %}
