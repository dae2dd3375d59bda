{{
    config(
        materialized='incremental',
        unique_key=['_batch_id', '_row_number'],
        incremental_strategy=customer360.base_incremental_strategy(logs_deletions=true),
        meta={'deletion_log_columns': ['member_id']},
        pre_hook="{{ customer360.start_deletion_log(customer360.model_deletion_log_columns()) }}",
        post_hook="{{ customer360.delete_replaced_deliveries() }}",
    )
}}

{%- set raw_columns = [
    'member_id', 'card_number', 'email', 'phone', 'first_name', 'last_name',
    'birth_date', 'postal_code', 'country', 'tier', 'points_balance',
    'enrolled_at', 'updated_at',
] -%}

{%- set calling_code -%}
    coalesce(cast(countries.calling_code as {{ dbt.type_string() }}), '{{ var("default_phone_calling_code") }}')
{%- endset -%}

with

source as (

    {{ new_deliveries(source('loyalty', 'members')) }}

),

countries as (

    select * from {{ ref('countries') }}

),

country_aliases as (

    select * from {{ ref('country_aliases') }}

),

email_domain_typos as (

    select * from {{ ref('email_domain_typos') }}

),

identifier_placeholders as (

    select * from {{ ref('identifier_placeholders') }}

),

renamed as (

    select
        {{ clean_text('member_id') }} as member_id,
        {#- Cards are printed in groups (1234 5678 9012, 1234-5678-9012): keep the digits. -#}
        {{ clean_text('card_number') }} as card_number_cleaned,
        nullif({{ regex_replace('card_number', "'[^0-9]'", "''") }}, '') as card_number_digits,
        {{ clean_email('email') }} as email_cleaned,
        {{ clean_text('phone') }} as phone_cleaned,
        {{ normalize_person_name('first_name') }} as first_name,
        {{ normalize_person_name('last_name') }} as last_name,
        upper({{ clean_text('postal_code') }}) as postal_code,
        upper({{ clean_text('country') }}) as country_cleaned,
        {{ standardize_enum('tier') }} as tier,
        {{ clean_text('points_balance') }} as points_balance_cleaned,
        {{ cast_or_null('points_balance', 'integer') }} as points_balance_parsed,
        {{ clean_text('birth_date') }} as birth_date_cleaned,
        {{ parse_date('birth_date') }} as birth_date_parsed,
        {{ parse_timestamp_utc('enrolled_at') }} as enrolled_at,
        {{ parse_timestamp_utc('updated_at') }} as updated_at,
        {{ row_fingerprint(raw_columns) }} as row_fingerprint,
        _batch_id,
        _row_number,
        _loaded_at
    from source

),

standardised as (

    select
        renamed.member_id,
        case
            when {{ regex_matches('renamed.card_number_digits', "'^[0-9]{12}$'") }}
                then renamed.card_number_digits
        end as card_number,
        {{ standardised_email_columns('renamed', 'email') }},
        {{ phone_to_e164('renamed.phone_cleaned', calling_code) }} as phone,
        {{ phone_extension('renamed.phone_cleaned') }} as phone_extension,
        renamed.first_name,
        renamed.last_name,
        renamed.postal_code,
        country_aliases.country_code,
        renamed.tier,
        renamed.card_number_cleaned,
        renamed.email_cleaned,
        renamed.phone_cleaned,
        renamed.country_cleaned,
        renamed.points_balance_cleaned,
        renamed.birth_date_cleaned,
        case when renamed.points_balance_parsed >= 0 then renamed.points_balance_parsed end as points_balance,
        case
            when
                renamed.birth_date_parsed >= cast('1900-01-01' as date)
                and renamed.birth_date_parsed <= cast({{ current_timestamp_utc() }} as date)
                then renamed.birth_date_parsed
        end as birth_date,
        renamed.enrolled_at,
        renamed.updated_at,
        renamed.row_fingerprint,
        renamed._batch_id,
        renamed._row_number,
        renamed._loaded_at
    from renamed
    {{ email_domain_typo_join('renamed', 'email') }}
    left outer join country_aliases
        on renamed.country_cleaned = country_aliases.alias
    left outer join countries
        on country_aliases.country_code = countries.country_code

),

checked as (

    select
        standardised.*,
        standardised.card_number_cleaned is not null and standardised.card_number is null as has_invalid_card_number,
        standardised.country_cleaned is not null and standardised.country_code is null as has_unknown_country,
        standardised.points_balance_cleaned is not null
        and standardised.points_balance is null as has_invalid_points_balance,
        standardised.birth_date_cleaned is not null and standardised.birth_date is null as has_invalid_birth_date,
        case
            when standardised.member_id is null then 'missing_natural_key'
            when standardised.enrolled_at is null or standardised.updated_at is null then 'invalid_timestamp'
            when
                standardised.enrolled_at > {{ future_cutoff('standardised._loaded_at') }}
                or standardised.updated_at > {{ future_cutoff('standardised._loaded_at') }}
                then 'future_timestamp'
        end as quarantine_reason
    from standardised

),

contact_points_checked as (

    {{ check_contact_points('checked', email_column='email', phone_column='phone') }}

),

{{ version_deliveries('contact_points_checked', 'member_id', "deduplicated.updated_at") }},

final as (

    select
        member_id,
        card_number,
        email,
        email_as_given,
        phone,
        phone_extension,
        first_name,
        last_name,
        postal_code,
        country_code,
        tier,
        row_fingerprint,
        quarantine_reason,
        points_balance,
        case when is_usable then usable_version_rank end as version_number,
        case when is_usable then usable_version_count end as version_count,
        has_invalid_card_number,
        is_email_placeholder,
        has_invalid_email,
        is_phone_placeholder,
        has_invalid_phone,
        has_unknown_country,
        has_invalid_points_balance,
        has_invalid_birth_date,
        is_exact_duplicate,
        is_usable and usable_version_rank = 1 as is_current_version,
        birth_date,
        enrolled_at,
        updated_at,
        _batch_id,
        _row_number,
        _loaded_at,
        {{ run_started_at_second() }} as built_at
    from versioned

)

select * from final
