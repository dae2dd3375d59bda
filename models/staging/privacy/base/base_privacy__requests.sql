{{
    config(
        materialized='incremental',
        unique_key=['_batch_id', '_row_number'],
        incremental_strategy=customer360.base_incremental_strategy(logs_deletions=true),
        meta={'deletion_log_columns': ['request_id']},
        pre_hook="{{ customer360.start_deletion_log(customer360.model_deletion_log_columns()) }}",
        post_hook="{{ customer360.delete_replaced_deliveries() }}",
    )
}}

{%- set raw_columns = [
    'request_id', 'account_id', 'email', 'phone', 'request_type', 'purpose',
    'request_channel', 'status', 'requested_at', 'processed_at',
] -%}

{#- Requests carry no country: numbers without a code get the default calling code. -#}
{%- set calling_code = "'" ~ var('default_phone_calling_code') ~ "'" -%}

with

source as (

    {{ new_deliveries(source('privacy', 'requests')) }}

),

email_domain_typos as (

    select * from {{ ref('email_domain_typos') }}

),

identifier_placeholders as (

    select * from {{ ref('identifier_placeholders') }}

),

renamed as (

    select
        {{ clean_text('request_id') }} as request_id,
        {{ clean_text('account_id') }} as account_id,
        {{ clean_email('email') }} as email_cleaned,
        {{ clean_text('phone') }} as phone_cleaned,
        {{ standardize_enum('request_type') }} as request_type,
        {{ standardize_enum('purpose') }} as purpose,
        {{ standardize_enum('request_channel') }} as request_channel,
        {{ standardize_enum('status') }} as status,
        {{ parse_timestamp_utc('requested_at') }} as requested_at,
        {{ clean_text('processed_at') }} as processed_at_cleaned,
        {{ parse_timestamp_utc('processed_at') }} as processed_at_parsed,
        {{ row_fingerprint(raw_columns) }} as row_fingerprint,
        _batch_id,
        _row_number,
        _loaded_at
    from source

),

standardised as (

    select
        renamed.request_id,
        renamed.account_id,
        {{ standardised_email_columns('renamed', 'email') }},
        {{ phone_to_e164('renamed.phone_cleaned', calling_code) }} as phone,
        {{ phone_extension('renamed.phone_cleaned') }} as phone_extension,
        renamed.request_type,
        renamed.purpose,
        renamed.request_channel,
        renamed.status,
        renamed.email_cleaned,
        renamed.phone_cleaned,
        renamed.processed_at_cleaned,
        renamed.requested_at,
        {#- An optional timestamp never quarantines the request: a bad value is dropped and flagged. -#}
        case
            when renamed.processed_at_parsed <= {{ future_cutoff('renamed._loaded_at') }}
                then renamed.processed_at_parsed
        end as processed_at,
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
        standardised.processed_at_cleaned is not null
        and standardised.processed_at is null as has_invalid_processed_at,
        case
            when standardised.request_id is null then 'missing_natural_key'
            when standardised.requested_at is null then 'invalid_timestamp'
            when standardised.requested_at > {{ future_cutoff('standardised._loaded_at') }} then 'future_timestamp'
        end as quarantine_reason
    from standardised

),

contact_points_checked as (

    {{ check_contact_points('checked', email_column='email', phone_column='phone') }}

),

{#-
    A request has no updated_at: it changes when it is processed, so its change
    time is the processing time, or the request time while it is still open.
-#}
{{ version_deliveries(
    'contact_points_checked', 'request_id', "coalesce(deduplicated.processed_at, deduplicated.requested_at)"
) }},

final as (

    select
        request_id,
        account_id,
        email,
        email_as_given,
        phone,
        phone_extension,
        request_type,
        purpose,
        request_channel,
        status,
        row_fingerprint,
        quarantine_reason,
        case when is_usable then usable_version_rank end as version_number,
        case when is_usable then usable_version_count end as version_count,
        is_email_placeholder,
        has_invalid_email,
        is_phone_placeholder,
        has_invalid_phone,
        has_invalid_processed_at,
        is_exact_duplicate,
        is_usable and usable_version_rank = 1 as is_current_version,
        requested_at,
        processed_at,
        _batch_id,
        _row_number,
        _loaded_at,
        {{ run_started_at_second() }} as built_at
    from versioned

)

select * from final
