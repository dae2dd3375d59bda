with

base_events as (

    select * from {{ ref('base_web__events') }}

),

final as (

    select
        event_id,
        account_id,
        anonymous_id,
        session_id,
        product_id,
        platform,
        event_type,
        page_url,
        search_term,
        referrer,
        utm_source,
        utm_medium,
        utm_campaign,
        version_count,
        has_truncated_text,
        has_formula_text,
        occurred_at,
        _batch_id,
        _row_number,
        _loaded_at
    from base_events
    where is_current_version

)

select * from final
