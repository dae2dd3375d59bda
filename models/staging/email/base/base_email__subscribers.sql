{{
    config(
        materialized='incremental',
        unique_key=['_batch_id', '_row_number'],
        incremental_strategy=customer360.base_incremental_strategy(),
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
        {{ canonical_email(
            email_local_part('renamed.email_cleaned'),
            'coalesce(email_domain_typos.corrected_domain, ' ~ email_domain('renamed.email_cleaned') ~ ')'
        ) }} as email_canonical,
        {{ email_as_given(
            email_local_part('renamed.email_cleaned'),
            'coalesce(email_domain_typos.corrected_domain, ' ~ email_domain('renamed.email_cleaned') ~ ')'
        ) }} as email_given,
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
    left outer join email_domain_typos
        on {{ email_domain('renamed.email_cleaned') }} = email_domain_typos.typo_domain

),

checked as (

    {#- Placeholders are listed as staging writes them: cleaned or canonical email. -#}
    select
        standardised.*,
        case
            when {{ is_valid_email('standardised.email_canonical') }} then standardised.email_canonical
        end as email,
        {{ email_as_given_where_changed(
            'standardised.email_given', 'standardised.email_canonical'
        ) }} as email_as_given,
        (
            email_placeholders_cleaned.placeholder_value is not null
            or email_placeholders_canonical.placeholder_value is not null
        ) as is_email_placeholder,
        standardised.email_cleaned is not null
        and not coalesce({{ is_valid_email('standardised.email_canonical') }}, false) as has_invalid_email,
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
    left outer join identifier_placeholders as email_placeholders_cleaned
        on
            standardised.email_cleaned = email_placeholders_cleaned.placeholder_value
            and email_placeholders_cleaned.identifier_type = 'email'
    left outer join identifier_placeholders as email_placeholders_canonical
        on
            standardised.email_canonical = email_placeholders_canonical.placeholder_value
            and email_placeholders_canonical.identifier_type = 'email'

),

{{ version_deliveries('checked', 'subscriber_id', "deduplicated.updated_at") }},

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
        _loaded_at
    from versioned

)

select * from final
