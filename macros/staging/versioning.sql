{% macro flag_exact_duplicates(relation) %}
    {#- Every delivery of a row after its first (same fingerprint of the delivered
        business columns) is an exact duplicate; the first one by load order stays. -#}
    select
        {{ relation }}.*,
        row_number() over (
            partition by {{ relation }}.row_fingerprint
            order by {{ relation }}._loaded_at, {{ relation }}._batch_id, {{ relation }}._row_number
        ) > 1 as is_exact_duplicate
    from {{ relation }}
{% endmacro %}


{% macro rank_usable_versions(relation, natural_key, changed_at=none) %}
    {#- Only usable rows (no reason, first delivery) compete as versions of a key.
        Newest change first, then the latest load, batch and row, so ties never
        depend on chance. -#}
    {%- set is_usable = '(' ~ relation ~ '.quarantine_reason is null and not ' ~ relation ~ '.is_exact_duplicate)' %}
    select
        {{ relation }}.*,
        {{ is_usable }} as is_usable,
        row_number() over (
            partition by {{ is_usable }}, {{ relation }}.{{ natural_key }}
            order by
                {% if changed_at is not none %}{{ changed_at }} desc,{% endif %}
                {{ relation }}._loaded_at desc,
                {{ relation }}._batch_id desc,
                {{ relation }}._row_number desc
        ) as usable_version_rank,
        count(*) over (partition by {{ is_usable }}, {{ relation }}.{{ natural_key }}) as usable_version_count
    from {{ relation }}
{% endmacro %}


{% macro window_key_columns(natural_key, changed_at=none) %}
    {#- What the duplicate and version windows read: the load key, the
        fingerprint, the reason, the natural key and the columns the change
        time is computed from (written against `deduplicated`). -#}
    {%- set columns = ['_batch_id', '_row_number', '_loaded_at', 'row_fingerprint', 'quarantine_reason', natural_key] -%}
    {%- if changed_at is not none -%}
        {%- for column in modules.re.findall('deduplicated[.]([a-z_][a-z0-9_]*)', changed_at) -%}
            {%- if column not in columns -%}
                {%- do columns.append(column) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(columns) }}
{% endmacro %}


{% macro rows_with_window_flags(relation, ranked, key_columns) %}
    {{ return(adapter.dispatch('rows_with_window_flags', 'customer360')(relation, ranked, key_columns)) }}
{% endmacro %}

{#- The select list of `versioned`: every column of the wide row plus the
    window flags. -#}
{% macro default__rows_with_window_flags(relation, ranked, key_columns) -%}
    {{ relation }}.*,
    {{ ranked }}.is_exact_duplicate,
    {{ ranked }}.is_usable,
    {{ ranked }}.usable_version_rank,
    {{ ranked }}.usable_version_count
{%- endmacro %}

{#- DuckDB inlines the wide CTE into both branches and drops the columns a
    branch does not read, so taking the key columns from the narrow branch
    computes the fingerprint and the reason once instead of twice. -#}
{% macro duckdb__rows_with_window_flags(relation, ranked, key_columns) -%}
    {{ relation }}.* exclude ({{ key_columns | join(', ') }}),
    {{ ranked }}.*
{%- endmacro %}


{% macro inlined_cte() %}
    {{ return(adapter.dispatch('inlined_cte', 'customer360')()) }}
{% endmacro %}

{#- Nothing to say where the engine decides alone (Spark inlines every CTE). -#}
{% macro default__inlined_cte() -%}
{%- endmacro %}

{#- A base model's delivered rows feed both the window branch and the wide row.
    Left to itself DuckDB buffers the whole raw table between them; read twice,
    the scan costs less CPU and far less memory. -#}
{% macro duckdb__inlined_cte() -%}
    not materialized
{%- endmacro %}
