{{
    config(
        materialized='incremental',
        unique_key=['_batch_id', '_row_number'],
        incremental_strategy=customer360.base_incremental_strategy(),
        post_hook="{{ customer360.delete_replaced_deliveries() }}",
    )
}}

{%- set raw_columns = [
    'event_id', 'account_id', 'anonymous_id', 'session_id', 'platform',
    'event_type', 'page_url', 'product_id', 'search_term', 'referrer',
    'utm_source', 'utm_medium', 'utm_campaign', 'occurred_at',
] -%}
{%- set max_length = var('max_text_length') -%}

with

source as {{ customer360.inlined_cte() }} (

    {{ new_deliveries(source('web', 'events')) }}

),

renamed as (

    select
        {{ clean_text('event_id') }} as event_id,
        {{ clean_text('account_id') }} as account_id,
        lower({{ clean_text('anonymous_id') }}) as anonymous_id,
        {{ clean_text('session_id') }} as session_id,
        {{ clean_text('product_id') }} as product_id,
        {{ standardize_enum('platform') }} as platform,
        {{ standardize_enum('event_type') }} as event_type,
        {{ clean_text('page_url', max_length) }} as page_url,
        {{ clean_text('search_term', max_length) }} as search_term,
        {{ clean_text('referrer', max_length) }} as referrer,
        {{ clean_text('utm_source', max_length) }} as utm_source,
        {{ clean_text('utm_medium', max_length) }} as utm_medium,
        {{ clean_text('utm_campaign', max_length) }} as utm_campaign,
        {{ is_text_truncated('page_url', max_length) }} as is_page_url_truncated,
        {{ is_text_truncated('search_term', max_length) }} as is_search_term_truncated,
        {{ is_text_truncated('referrer', max_length) }} as is_referrer_truncated,
        {{ is_text_truncated('utm_source', max_length) }} as is_utm_source_truncated,
        {{ is_text_truncated('utm_medium', max_length) }} as is_utm_medium_truncated,
        {{ is_text_truncated('utm_campaign', max_length) }} as is_utm_campaign_truncated,
        {{ has_formula_prefix('page_url') }} as has_page_url_formula,
        {{ has_formula_prefix('search_term') }} as has_search_term_formula,
        {{ has_formula_prefix('referrer') }} as has_referrer_formula,
        {{ has_formula_prefix('utm_source') }} as has_utm_source_formula,
        {{ has_formula_prefix('utm_medium') }} as has_utm_medium_formula,
        {{ has_formula_prefix('utm_campaign') }} as has_utm_campaign_formula,
        {{ parse_timestamp_utc('occurred_at') }} as occurred_at,
        {{ row_fingerprint(raw_columns) }} as row_fingerprint,
        _batch_id,
        _row_number,
        _loaded_at
    from source

),

checked as (

    select
        renamed.*,
        case
            when renamed.event_id is null then 'missing_natural_key'
            when renamed.occurred_at is null then 'invalid_timestamp'
            when renamed.occurred_at > {{ future_cutoff('renamed._loaded_at') }} then 'future_timestamp'
        end as quarantine_reason
    from renamed

),

{#- Wide rows that join nothing: the windows pay off on the key columns alone. -#}
{{ version_deliveries('checked', 'event_id', "deduplicated.occurred_at", narrow_windows=true) }},

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
        row_fingerprint,
        quarantine_reason,
        case when is_usable then usable_version_rank end as version_number,
        case when is_usable then usable_version_count end as version_count,
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
        is_exact_duplicate,
        is_usable and usable_version_rank = 1 as is_current_version,
        occurred_at,
        _batch_id,
        _row_number,
        _loaded_at,
        {{ run_started_at_second() }} as built_at
    from versioned

)

select * from final
