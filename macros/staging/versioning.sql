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


{% macro narrow_windows_pay() %}
    {{ return(adapter.dispatch('narrow_windows_pay', 'customer360')()) }}
{% endmacro %}

{% macro default__narrow_windows_pay() %}
    {{ return(false) }}
{% endmacro %}

{#- DuckDB inlines a CTE that several branches read and drops the columns a
    branch does not read, so without a narrow materialised copy of the key
    columns every row's fingerprint and reason would be computed once per
    branch. The copy uses DuckDB's `materialized` and `* exclude`. -#}
{% macro duckdb__narrow_windows_pay() %}
    {{ return(true) }}
{% endmacro %}


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
