{{
    config(
        materialized='incremental',
        unique_key=['_batch_id', '_row_number'],
        incremental_strategy=customer360.base_incremental_strategy(logs_deletions=true),
        meta={'deletion_log_columns': ['ticket_id']},
        pre_hook="{{ customer360.start_deletion_log(customer360.model_deletion_log_columns()) }}",
        post_hook="{{ customer360.delete_replaced_deliveries() }}",
    )
}}

{%- set raw_columns = [
    'ticket_id', 'account_id', 'email', 'phone', 'requester_name', 'channel',
    'category', 'priority', 'status', 'subject', 'description',
    'created_at', 'resolved_at', 'updated_at',
] -%}
{%- set max_length = var('max_text_length') -%}

{#- Tickets carry no country: numbers without a code get the default calling code. -#}
{%- set calling_code = "'" ~ var('default_phone_calling_code') ~ "'" -%}

with

source as (

    {{ new_deliveries(source('support', 'tickets')) }}

),

email_domain_typos as (

    select * from {{ ref('email_domain_typos') }}

),

identifier_placeholders as (

    select * from {{ ref('identifier_placeholders') }}

),

renamed as (

    select
        {{ clean_text('ticket_id') }} as ticket_id,
        {{ clean_text('account_id') }} as account_id,
        {{ clean_email('email') }} as email_cleaned,
        {{ clean_text('phone') }} as phone_cleaned,
        {{ normalize_person_name('requester_name') }} as requester_name,
        {{ standardize_enum('channel') }} as channel,
        {{ standardize_enum('category') }} as category,
        {{ standardize_enum('priority') }} as priority,
        {{ standardize_enum('status') }} as status,
        {{ clean_text('subject', max_length) }} as subject,
        {{ clean_text('description', max_length) }} as description,
        {{ is_text_truncated('subject', max_length) }} as is_subject_truncated,
        {{ is_text_truncated('description', max_length) }} as is_description_truncated,
        {{ has_formula_prefix('subject') }} as has_subject_formula,
        {{ has_formula_prefix('description') }} as has_description_formula,
        {{ parse_timestamp_utc('created_at') }} as created_at,
        {{ clean_text('resolved_at') }} as resolved_at_cleaned,
        {{ parse_timestamp_utc('resolved_at') }} as resolved_at_parsed,
        {{ parse_timestamp_utc('updated_at') }} as updated_at,
        {{ row_fingerprint(raw_columns) }} as row_fingerprint,
        _batch_id,
        _row_number,
        _loaded_at
    from source

),

standardised as (

    select
        renamed.ticket_id,
        renamed.account_id,
        {{ standardised_email_columns('renamed', 'email') }},
        {{ phone_to_e164('renamed.phone_cleaned', calling_code) }} as phone,
        {{ phone_extension('renamed.phone_cleaned') }} as phone_extension,
        renamed.requester_name,
        renamed.channel,
        renamed.category,
        renamed.priority,
        renamed.status,
        renamed.subject,
        renamed.description,
        renamed.email_cleaned,
        renamed.phone_cleaned,
        renamed.resolved_at_cleaned,
        renamed.status in ('open', 'pending') as is_open,
        renamed.is_subject_truncated,
        renamed.is_description_truncated,
        renamed.has_subject_formula,
        renamed.has_description_formula,
        renamed.created_at,
        {#- An optional timestamp never quarantines the ticket: a bad value is dropped and flagged. -#}
        case
            when renamed.resolved_at_parsed <= {{ future_cutoff('renamed._loaded_at') }}
                then renamed.resolved_at_parsed
        end as resolved_at,
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
        standardised.resolved_at_cleaned is not null and standardised.resolved_at is null as has_invalid_resolved_at,
        case
            when standardised.ticket_id is null then 'missing_natural_key'
            when standardised.created_at is null or standardised.updated_at is null then 'invalid_timestamp'
            when
                standardised.created_at > {{ future_cutoff('standardised._loaded_at') }}
                or standardised.updated_at > {{ future_cutoff('standardised._loaded_at') }}
                then 'future_timestamp'
        end as quarantine_reason
    from standardised

),

contact_points_checked as (

    {{ check_contact_points('checked', email_column='email', phone_column='phone') }}

),

{{ version_deliveries('contact_points_checked', 'ticket_id', "deduplicated.updated_at") }},

final as (

    select
        ticket_id,
        account_id,
        email,
        email_as_given,
        phone,
        phone_extension,
        requester_name,
        channel,
        category,
        priority,
        status,
        subject,
        description,
        row_fingerprint,
        quarantine_reason,
        case when is_usable then usable_version_rank end as version_number,
        case when is_usable then usable_version_count end as version_count,
        is_open,
        is_email_placeholder,
        has_invalid_email,
        is_phone_placeholder,
        has_invalid_phone,
        is_subject_truncated,
        is_description_truncated,
        has_subject_formula,
        has_description_formula,
        has_invalid_resolved_at,
        is_exact_duplicate,
        is_usable and usable_version_rank = 1 as is_current_version,
        created_at,
        updated_at,
        resolved_at,
        _batch_id,
        _row_number,
        _loaded_at,
        {{ run_started_at_second() }} as built_at
    from versioned

)

select * from final
