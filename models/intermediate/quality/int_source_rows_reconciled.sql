{#- One row per raw table: where every delivered row went. The four destinations
    are counted from four different relations, so a filter that drops rows in
    any of them shows up as an imbalance here and in the rows_conserved tests. -#}

with

{% for source_name, entity in staged_source_tables() %}
    {%- set table_name = source_name ~ '_' ~ entity %}
    {{ table_name }}_delivered as (

        select count(*) as row_count from {{ source(source_name, entity) }}

    ),

    {{ table_name }}_rejected as (

        select count(*) as row_count
        from {{ source('loader', 'load_rejects') }}
        where table_name = 'raw.{{ table_name }}'

    ),

    {{ table_name }}_served as (

        select
            count(*) as current_row_count,
            coalesce(sum(version_count), 0) as version_row_count
        from {{ ref('stg_' ~ source_name ~ '__' ~ entity) }}

    ),

    {{ table_name }}_quarantined as (

        select count(*) as row_count from {{ ref('stg_' ~ source_name ~ '__' ~ entity ~ '_quarantine') }}

    ),

    {{ table_name }}_duplicated as (

        select count(*) as row_count
        from {{ ref('base_' ~ source_name ~ '__' ~ entity) }}
        where is_exact_duplicate

    ),

    {{ table_name }}_reconciled as (

        select
            '{{ source_name }}' as source_name,
            '{{ table_name }}' as table_name,
            {{ table_name }}_rejected.row_count as rows_rejected_by_loader,
            {{ table_name }}_delivered.row_count as rows_delivered,
            {{ table_name }}_served.current_row_count as rows_served,
            {{ table_name }}_served.version_row_count
            - {{ table_name }}_served.current_row_count as rows_superseded,
            {{ table_name }}_quarantined.row_count as rows_quarantined,
            {{ table_name }}_duplicated.row_count as rows_duplicate
        from {{ table_name }}_delivered
        cross join {{ table_name }}_rejected
        cross join {{ table_name }}_served
        cross join {{ table_name }}_quarantined
        cross join {{ table_name }}_duplicated

    ),

{% endfor %}

unioned as (

    {% for source_name, entity in staged_source_tables() %}
        select * from {{ source_name }}_{{ entity }}_reconciled
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

final as (

    select
        source_name,
        table_name,
        rows_rejected_by_loader,
        rows_delivered,
        rows_served,
        rows_superseded,
        rows_quarantined,
        rows_duplicate,
        rows_delivered - rows_served - rows_superseded - rows_quarantined - rows_duplicate as rows_unaccounted,
        rows_delivered = rows_served + rows_superseded + rows_quarantined + rows_duplicate as is_balanced
    from unioned

)

select * from final
