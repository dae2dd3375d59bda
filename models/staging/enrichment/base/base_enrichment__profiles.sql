{{
    config(
        materialized='incremental',
        unique_key=['_batch_id', '_row_number'],
        incremental_strategy=customer360.base_incremental_strategy(logs_deletions=true),
        meta={'deletion_log_columns': ['profile_id']},
        pre_hook="{{ customer360.start_deletion_log(customer360.model_deletion_log_columns()) }}",
        post_hook="{{ customer360.delete_replaced_deliveries() }}",
    )
}}

{%- set raw_columns = [
    'profile_id', 'email', 'email_sha256', 'full_name', 'gender', 'age_band',
    'income_band', 'occupation', 'interests', 'city', 'postal_code', 'country',
    'provider', 'refreshed_at',
] -%}

{#- Interests: lower case, no blanks around the separators, no empty entries. -#}
{%- set interests_joined = regex_replace('lower(' ~ clean_text('interests') ~ ')', "' *; *'", "';'") -%}
{%- set interests_compacted = regex_replace(interests_joined, "';;+'", "';'") -%}
{%- set interests_trimmed = regex_replace(interests_compacted, "'^;|;$'", "''") -%}

with

source as (

    {{ new_deliveries(source('enrichment', 'profiles')) }}

),

country_aliases as (

    select * from {{ ref('country_aliases') }}

),

email_domain_typos as (

    select * from {{ ref('email_domain_typos') }}

),

gender_aliases as (

    select * from {{ ref('gender_aliases') }}

),

identifier_placeholders as (

    select * from {{ ref('identifier_placeholders') }}

),

renamed as (

    select
        {{ clean_text('profile_id') }} as profile_id,
        {{ clean_email('email') }} as email_cleaned,
        lower({{ clean_text('email_sha256') }}) as email_sha256_cleaned,
        {{ normalize_person_name('full_name') }} as full_name,
        {{ standardize_enum('gender') }} as gender_cleaned,
        {#- Bands keep their hyphen and plus sign (18-24, 65+), so they are not enum-standardised. -#}
        nullif({{ regex_replace('lower(' ~ clean_text('age_band') ~ ')', "' '", "''") }}, '') as age_band,
        {{ standardize_enum('income_band') }} as income_band,
        {{ clean_text('occupation') }} as occupation,
        nullif({{ interests_trimmed }}, '') as interests,
        {{ clean_text('city') }} as city,
        upper({{ clean_text('postal_code') }}) as postal_code,
        upper({{ clean_text('country') }}) as country_cleaned,
        {{ clean_text('provider') }} as provider,  -- noqa: RF04
        {{ parse_timestamp_utc('refreshed_at') }} as refreshed_at,
        {{ row_fingerprint(raw_columns) }} as row_fingerprint,
        _batch_id,
        _row_number,
        _loaded_at
    from source

),

standardised as (

    select
        renamed.profile_id,
        {{ standardised_email_columns('renamed', 'email') }},
        case
            when {{ regex_matches('renamed.email_sha256_cleaned', "'^[0-9a-f]{64}$'") }}
                then renamed.email_sha256_cleaned
        end as email_sha256,
        renamed.full_name,
        case
            when renamed.gender_cleaned is not null then coalesce(gender_aliases.gender, 'unknown')
        end as gender,
        renamed.age_band,
        renamed.income_band,
        renamed.occupation,
        renamed.interests,
        renamed.city,
        renamed.postal_code,
        country_aliases.country_code,
        renamed.provider,
        renamed.email_cleaned,
        renamed.email_sha256_cleaned,
        renamed.country_cleaned,
        renamed.refreshed_at,
        renamed.row_fingerprint,
        renamed._batch_id,
        renamed._row_number,
        renamed._loaded_at
    from renamed
    {{ email_domain_typo_join('renamed', 'email') }}
    left outer join country_aliases
        on renamed.country_cleaned = country_aliases.alias
    left outer join gender_aliases
        on renamed.gender_cleaned = gender_aliases.alias

),

checked as (

    select
        standardised.*,
        standardised.email_sha256_cleaned is not null
        and standardised.email_sha256 is null as has_invalid_email_sha256,
        standardised.country_cleaned is not null and standardised.country_code is null as has_unknown_country,
        case
            when standardised.profile_id is null then 'missing_natural_key'
            when standardised.refreshed_at is null then 'invalid_timestamp'
            when standardised.refreshed_at > {{ future_cutoff('standardised._loaded_at') }} then 'future_timestamp'
        end as quarantine_reason
    from standardised

),

contact_points_checked as (

    {{ check_contact_points('checked', email_column='email') }}

),

{#- A profile changes when the provider refreshes it: the refresh time is its change time. -#}
{{ version_deliveries('contact_points_checked', 'profile_id', "deduplicated.refreshed_at") }},

final as (

    select
        profile_id,
        email,
        email_as_given,
        email_sha256,
        full_name,
        gender,
        age_band,
        income_band,
        occupation,
        interests,
        city,
        postal_code,
        country_code,
        provider,
        row_fingerprint,
        quarantine_reason,
        case when is_usable then usable_version_rank end as version_number,
        case when is_usable then usable_version_count end as version_count,
        is_email_placeholder,
        has_invalid_email,
        has_invalid_email_sha256,
        has_unknown_country,
        is_exact_duplicate,
        is_usable and usable_version_rank = 1 as is_current_version,
        refreshed_at,
        _batch_id,
        _row_number,
        _loaded_at,
        {{ run_started_at_second() }} as built_at
    from versioned

)

select * from final
