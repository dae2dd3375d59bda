{{
    config(
        materialized='incremental',
        unique_key=['_batch_id', '_row_number'],
        incremental_strategy=customer360.base_incremental_strategy(),
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
        {{ canonical_email(
            email_local_part('renamed.email_cleaned'),
            'coalesce(email_domain_typos.corrected_domain, ' ~ email_domain('renamed.email_cleaned') ~ ')'
        ) }} as email_canonical,
        {{ email_as_given(
            email_local_part('renamed.email_cleaned'),
            'coalesce(email_domain_typos.corrected_domain, ' ~ email_domain('renamed.email_cleaned') ~ ')'
        ) }} as email_given,
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
        case
            when standardised.interaction_id is null then 'missing_natural_key'
            when standardised.occurred_at is null then 'invalid_timestamp'
            when standardised.occurred_at > {{ future_cutoff('standardised._loaded_at') }} then 'future_timestamp'
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

{#- Interactions are immutable events: the event time stands in for the change time. -#}
{{ version_deliveries('checked', 'interaction_id', "deduplicated.occurred_at") }},

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
        _loaded_at
    from versioned

)

select * from final
