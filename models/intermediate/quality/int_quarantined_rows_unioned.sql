{#- Every quarantined row of every source in one list, without the raw values
    (those stay in the per-table quarantine models, in the restricted schema). -#}

with

unioned as (

    {% for source_name, entity in staged_source_tables() %}
        select
            source_name,
            table_name,
            record_id,
            quarantine_reason,
            _batch_id,
            _row_number,
            _loaded_at
        from {{ ref('stg_' ~ source_name ~ '__' ~ entity ~ '_quarantine') }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

final as (

    select
        {{ dbt.concat(["table_name", "'|'", "_batch_id", "'|'", "cast(_row_number as " ~ dbt.type_string() ~ ")"]) }}
            as quarantined_row_id,
        source_name,
        table_name,
        record_id,
        quarantine_reason,
        _batch_id,
        _row_number,
        _loaded_at
    from unioned

)

select * from final
