{{
    config(
        materialized='incremental',
        unique_key=['_batch_id', '_row_number'],
        incremental_strategy=customer360.base_incremental_strategy(logs_deletions=true),
        meta={'deletion_log_columns': ['subscriber_id']},
        pre_hook="{{ customer360.start_deletion_log(customer360.model_deletion_log_columns()) }}",
        post_hook="{{ customer360.delete_replaced_deliveries() }}",
    )
}}

{%- set raw_columns = [
    'subscriber_id', 'email', 'first_name', 'last_name', 'subscription_status',
    'signup_source', 'subscribed_at', 'unsubscribed_at', 'updated_at',
] -%}

with

source as (

    {{ new_deliveries(source('email', 'subscribers')) }}

),

email_domain_typos as (

    select * from {{ ref('email_domain_typos') }}

),

identifier_placeholders as (

    select * from {{ ref('identifier_placeholders') }}

),

renamed as (

    select
        {{ clean_text('subscriber_id') }} as subscriber_id,
        {{ clean_email('email') }} as email_cleaned,
        {{ normalize_person_name('first_name') }} as first_name,
        {{ normalize_person_name('last_name') }} as last_name,
        {{ standardize_enum('subscription_status') }} as subscription_status,
        {{ standardize_enum('signup_source') }} as signup_source,
        {{ clean_text('unsubscribed_at') }} as unsubscribed_at_cleaned,
        {{ parse_timestamp_utc('subscribed_at') }} as subscribed_at,
        {{ parse_timestamp_utc('unsubscribed_at') }} as unsubscribed_at_parsed,
        {{ parse_timestamp_utc('updated_at') }} as updated_at,
        {{ row_fingerprint(raw_columns) }} as row_fingerprint,
        _batch_id,
        _row_number,
        _loaded_at
    from source

),

standardised as (

    select
        renamed.subscriber_id,
        {{ standardised_email_columns('renamed', 'email') }},
        renamed.first_name,
        renamed.last_name,
        renamed.subscription_status,
        renamed.signup_source,
        renamed.email_cleaned,
        renamed.unsubscribed_at_cleaned,
        renamed.subscribed_at,
        {#- Optional: a bad or future value is blanked and flagged, the row is kept. #}
        case
            when renamed.unsubscribed_at_parsed <= {{ future_cutoff('renamed._loaded_at') }}
                then renamed.unsubscribed_at_parsed
        end as unsubscribed_at,
        renamed.updated_at,
        renamed.row_fingerprint,
        renamed._batch_id,
        renamed._row_number,
        renamed._loaded_at
    from renamed
    {{ email_domain_typo_join('renamed', 'email') }}

),

checked as (

    select
        standardised.*,
        standardised.unsubscribed_at_cleaned is not null
        and standardised.unsubscribed_at is null as has_invalid_unsubscribed_at,
        case
            when standardised.subscriber_id is null then 'missing_natural_key'
            when standardised.subscribed_at is null or standardised.updated_at is null then 'invalid_timestamp'
            when
                standardised.subscribed_at > {{ future_cutoff('standardised._loaded_at') }}
                or standardised.updated_at > {{ future_cutoff('standardised._loaded_at') }}
                then 'future_timestamp'
        end as quarantine_reason
    from standardised

),

contact_points_checked as (

    {{ check_contact_points('checked', email_column='email') }}

),

{{ version_deliveries('contact_points_checked', 'subscriber_id', "deduplicated.updated_at") }},

final as (

    select
        subscriber_id,
        email,
        email_as_given,
        first_name,
        last_name,
        subscription_status,
        signup_source,
        row_fingerprint,
        quarantine_reason,
        case when is_usable then usable_version_rank end as version_number,
        case when is_usable then usable_version_count end as version_count,
        is_email_placeholder,
        has_invalid_email,
        has_invalid_unsubscribed_at,
        is_exact_duplicate,
        is_usable and usable_version_rank = 1 as is_current_version,
        subscribed_at,
        unsubscribed_at,
        updated_at,
        _batch_id,
        _row_number,
        _loaded_at,
        {{ run_started_at_second() }} as built_at
    from versioned

)

select * from final
