{{
    config(
        materialized='incremental',
        unique_key=['_batch_id', '_row_number'],
        incremental_strategy=customer360.base_incremental_strategy(),
        post_hook="{{ customer360.delete_replaced_deliveries() }}",
    )
}}

{%- set raw_columns = [
    'email_event_id', 'subscriber_id', 'campaign_id', 'campaign_name',
    'event_type', 'link_url', 'occurred_at',
] -%}
{%- set max_length = var('max_text_length') -%}

with

source as (

    {{ new_deliveries(source('email', 'events')) }}

),

base_subscribers as (

    select * from {{ ref('base_email__subscribers') }}

),

renamed as (

    select
        {{ clean_text('email_event_id') }} as email_event_id,
        {{ clean_text('subscriber_id') }} as subscriber_id,
        {{ clean_text('campaign_id') }} as campaign_id,
        {{ standardize_enum('event_type') }} as event_type,
        {{ clean_text('campaign_name', max_length) }} as campaign_name,
        {{ clean_text('link_url', max_length) }} as link_url,
        {{ is_text_truncated('campaign_name', max_length) }} as is_campaign_name_truncated,
        {{ is_text_truncated('link_url', max_length) }} as is_link_url_truncated,
        {{ has_formula_prefix('campaign_name') }} as has_campaign_name_formula,
        {{ has_formula_prefix('link_url') }} as has_link_url_formula,
        {{ parse_timestamp_utc('occurred_at') }} as occurred_at,
        {{ row_fingerprint(raw_columns) }} as row_fingerprint,
        _batch_id,
        _row_number,
        _loaded_at
    from source

),

usable_subscribers as (

    {#- An event needs a subscriber that staging can serve: not quarantined, not a re-delivery. -#}
    {{ usable_parent_keys('base_subscribers', 'subscriber_id', 'renamed') }}

),

standardised as (

    select
        renamed.*,
        usable_subscribers.subscriber_id is not null as has_usable_subscriber
    from renamed
    left outer join usable_subscribers
        on renamed.subscriber_id = usable_subscribers.subscriber_id

),

checked as (

    select
        standardised.*,
        case
            when standardised.email_event_id is null then 'missing_natural_key'
            when standardised.occurred_at is null then 'invalid_timestamp'
            when standardised.occurred_at > {{ future_cutoff('standardised._loaded_at') }} then 'future_timestamp'
            when not standardised.has_usable_subscriber then 'orphan_record'
        end as quarantine_reason
    from standardised

),

{{ version_deliveries(
    'checked',
    'email_event_id',
    "deduplicated.occurred_at",
    orphan_release={'parent_key': 'subscriber_id', 'usable_parents': 'usable_subscribers'},
) }},

final as (

    select
        email_event_id,
        subscriber_id,
        campaign_id,
        campaign_name,
        event_type,
        link_url,
        row_fingerprint,
        quarantine_reason,
        case when is_usable then usable_version_rank end as version_number,
        case when is_usable then usable_version_count end as version_count,
        is_campaign_name_truncated,
        is_link_url_truncated,
        has_campaign_name_formula,
        has_link_url_formula,
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
