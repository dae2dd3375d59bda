{{ config(schema='quarantine', tags=['quarantine']) }}

with

source as (

    select * from {{ source('email', 'events') }}

),

base_events as (

    select * from {{ ref('base_email__events') }}

),

final as (

    {#- The raw values exactly as delivered, so that the row can be inspected and repaired. -#}
    select
        'email' as source_name,
        'email_events' as table_name,
        base_events.email_event_id as record_id,
        base_events.quarantine_reason,
        source._batch_id,
        source._row_number,
        source._loaded_at,
        source.email_event_id,
        source.subscriber_id,
        source.campaign_id,
        source.campaign_name,
        source.event_type,
        source.link_url,
        source.occurred_at
    from source
    inner join base_events
        on
            source._batch_id = base_events._batch_id
            and source._row_number = base_events._row_number
    where
        base_events.quarantine_reason is not null
        and not base_events.is_exact_duplicate

)

select * from final
