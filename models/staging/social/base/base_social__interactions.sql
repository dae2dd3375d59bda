{{
    config(
        materialized='incremental',
        unique_key=['_batch_id', '_row_number'],
        incremental_strategy=customer360.base_incremental_strategy(logs_deletions=true),
        meta={'deletion_log_columns': ['interaction_id', 'handle']},
        pre_hook="{{ customer360.start_deletion_log(customer360.model_deletion_log_columns()) }}",
        post_hook="{{ customer360.delete_replaced_deliveries() }}",
    )
}}

{%- set raw_columns = [
    'interaction_id', 'platform', 'handle', 'display_name', 'email',
    'interaction_type', 'content', 'sentiment_label', 'occurred_at',
] -%}
{%- set max_length = var('max_text_length') -%}

with

source as (

    {{ new_deliveries(source('social', 'interactions')) }}

),

email_domain_typos as (

    select * from {{ ref('email_domain_typos') }}

),

identifier_placeholders as (

    select * from {{ ref('identifier_placeholders') }}

),

renamed as (

    select
        {{ clean_text('interaction_id') }} as interaction_id,
        {#- Handles are case-insensitive and never contain spaces; the leading @ is put back below. -#}
        nullif(
            {{ regex_replace('lower(' ~ clean_text('handle') ~ ')', "'^@+| '", "''") }},
            ''
        ) as handle_name,
        {{ normalize_person_name('display_name') }} as display_name,
        {{ clean_email('email') }} as email_cleaned,
        {{ standardize_enum('platform') }} as platform,
        {{ standardize_enum('interaction_type') }} as interaction_type,
        {{ standardize_enum('sentiment_label') }} as sentiment_label,
        {{ clean_text('content', max_length) }} as content,  -- noqa: RF04
        {{ is_text_truncated('content', max_length) }} as is_content_truncated,
        {{ has_formula_prefix('content') }} as has_content_formula,
        {{ parse_timestamp_utc('occurred_at') }} as occurred_at,
        {{ row_fingerprint(raw_columns) }} as row_fingerprint,
        _batch_id,
        _row_number,
        _loaded_at
    from source

),

standardised as (

    select
        renamed.interaction_id,
        {{ dbt.concat(["'@'", 'renamed.handle_name']) }} as handle,
        renamed.display_name,
        {{ standardised_email_columns('renamed', 'email') }},
        renamed.platform,
        renamed.interaction_type,
        renamed.sentiment_label,
        renamed.content,
        renamed.email_cleaned,
        renamed.is_content_truncated,
        renamed.has_content_formula,
        renamed.occurred_at,
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
        case
            when standardised.interaction_id is null then 'missing_natural_key'
            when standardised.occurred_at is null then 'invalid_timestamp'
            when standardised.occurred_at > {{ future_cutoff('standardised._loaded_at') }} then 'future_timestamp'
        end as quarantine_reason
    from standardised

),

contact_points_checked as (

    {{ check_contact_points('checked', email_column='email') }}

),

{#- Interactions are immutable events: the event time stands in for the change time. -#}
{{ version_deliveries('contact_points_checked', 'interaction_id', "deduplicated.occurred_at") }},

final as (

    select
        interaction_id,
        handle,
        display_name,
        email,
        email_as_given,
        platform,
        interaction_type,
        sentiment_label,
        content,
        row_fingerprint,
        quarantine_reason,
        case when is_usable then usable_version_rank end as version_number,
        case when is_usable then usable_version_count end as version_count,
        is_email_placeholder,
        has_invalid_email,
        is_content_truncated,
        has_content_formula,
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
