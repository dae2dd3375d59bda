with

base_events as (

    select * from {{ ref('base_email__events') }}

),

final as (

    select
        email_event_id,
        subscriber_id,
        campaign_id,
        campaign_name,
        event_type,
        link_url,
        version_count,
        is_campaign_name_truncated,
        is_link_url_truncated,
        has_campaign_name_formula,
        has_link_url_formula,
        occurred_at,
        _batch_id,
        _row_number,
        _loaded_at,
        built_at
    from base_events
    where is_current_version

)

select * from final
