{{ config(schema='quarantine', tags=['quarantine']) }}

with

source as (

    select * from {{ source('web', 'events') }}

),

base_events as (

    select * from {{ ref('base_web__events') }}

),

final as (

    {#- The raw values exactly as delivered, so that the row can be inspected and repaired. -#}
    select
        'web' as source_name,
        'web_events' as table_name,
        base_events.event_id as record_id,
        base_events.quarantine_reason,
        source._batch_id,
        source._row_number,
        source._loaded_at,
        source.event_id,
        source.account_id,
        source.anonymous_id,
        source.session_id,
        source.platform,
        source.event_type,
        source.page_url,
        source.product_id,
        source.search_term,
        source.referrer,
        source.utm_source,
        source.utm_medium,
        source.utm_campaign,
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
