{{ config(schema='quarantine', tags=['quarantine']) }}

with

source as (

    select * from {{ source('social', 'interactions') }}

),

base_interactions as (

    select * from {{ ref('base_social__interactions') }}

),

final as (

    select
        cast('social' as {{ dbt.type_string() }}) as source_name,
        cast('social_interactions' as {{ dbt.type_string() }}) as table_name,
        base_interactions.interaction_id as record_id,
        base_interactions.quarantine_reason,
        source._batch_id,
        source._row_number,
        source._loaded_at,
        source.interaction_id,
        source.platform,
        source.handle,
        source.display_name,
        source.email,
        source.interaction_type,
        source.content,
        source.sentiment_label,
        source.occurred_at
    from source
    inner join base_interactions
        on
            source._batch_id = base_interactions._batch_id
            and source._row_number = base_interactions._row_number
    where
        base_interactions.quarantine_reason is not null
        and not base_interactions.is_exact_duplicate

)

select * from final
