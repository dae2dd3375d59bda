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
        is_page_url_truncated,
        is_search_term_truncated,
        is_referrer_truncated,
        is_utm_source_truncated,
        is_utm_medium_truncated,
        is_utm_campaign_truncated,
        has_page_url_formula,
        has_search_term_formula,
        has_referrer_formula,
        has_utm_source_formula,
        has_utm_medium_formula,
        has_utm_campaign_formula,
        occurred_at,
        _batch_id,
        _row_number,
        _loaded_at,
        built_at
    from base_events
    where is_current_version

)

select * from final
