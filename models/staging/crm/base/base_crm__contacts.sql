{{
    config(
        materialized='incremental',
        unique_key=['_batch_id', '_row_number'],
        incremental_strategy=customer360.base_incremental_strategy(logs_deletions=true),
        meta={'deletion_log_columns': ['contact_id']},
        pre_hook="{{ customer360.start_deletion_log(customer360.model_deletion_log_columns()) }}",
        post_hook="{{ customer360.delete_replaced_deliveries() }}",
    )
}}

{%- set raw_columns = [
    'contact_id', 'full_name', 'email', 'phone', 'company_name', 'job_title',
    'city', 'country', 'lead_source', 'lifecycle_status', 'owner_name',
    'created_at', 'updated_at',
] -%}

{%- set calling_code -%}
    coalesce(cast(countries.calling_code as {{ dbt.type_string() }}), '{{ var("default_phone_calling_code") }}')
{%- endset -%}

{#- A name written only in CJK ideographs, without spaces: family name first, one character. -#}
{%- set cjk_name_pattern = "'^[㐀-鿿]{2,}$'" -%}

with

source as (

    {{ new_deliveries(source('crm', 'contacts')) }}

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
        {{ clean_text('contact_id') }} as contact_id,
        {{ clean_text('full_name') }} as full_name_cleaned,
        {{ clean_email('email') }} as email_cleaned,
        {{ clean_text('phone') }} as phone_cleaned,
        {{ clean_text('company_name') }} as company_name,
        {{ clean_text('job_title') }} as job_title,
        {{ clean_text('city') }} as city,
        upper({{ clean_text('country') }}) as country_cleaned,
        {{ standardize_enum('lead_source') }} as lead_source,
        {{ standardize_enum('lifecycle_status') }} as lifecycle_status,
        {{ normalize_person_name('owner_name') }} as owner_name,
        {{ parse_timestamp_utc('created_at') }} as created_at,
        {{ parse_timestamp_utc('updated_at') }} as updated_at,
        {{ row_fingerprint(raw_columns) }} as row_fingerprint,
        _batch_id,
        _row_number,
        _loaded_at
    from source

),

names_split as (

    {#- CRM keeps the whole name in one field, sometimes as "Last, First". -#}
    select
        renamed.*,
        coalesce(renamed.full_name_cleaned like '%,%', false) as is_name_swapped,
        case
            when renamed.full_name_cleaned like '%,%'
                then {{ normalize_person_name(regex_replace('renamed.full_name_cleaned', "'^[^,]*,'", "''")) }}
            when {{ regex_matches('renamed.full_name_cleaned', cjk_name_pattern) }}
                then substring(renamed.full_name_cleaned, 2)
            when renamed.full_name_cleaned like '% %'
                then {{ normalize_person_name(regex_replace('renamed.full_name_cleaned', "' [^ ]*$'", "''")) }}
        end as first_name,
        case
            when renamed.full_name_cleaned like '%,%'
                then {{ normalize_person_name(regex_replace('renamed.full_name_cleaned', "',.*$'", "''")) }}
            when {{ regex_matches('renamed.full_name_cleaned', cjk_name_pattern) }}
                then substring(renamed.full_name_cleaned, 1, 1)
            else {{ normalize_person_name(regex_replace('renamed.full_name_cleaned', "'^.* '", "''")) }}
        end as last_name
    from renamed

),

standardised as (

    select
        names_split.contact_id,
        case
            when names_split.is_name_swapped
                then nullif(concat_ws(' ', names_split.first_name, names_split.last_name), '')
            when {{ regex_matches('names_split.full_name_cleaned', cjk_name_pattern) }}
                then names_split.full_name_cleaned
            else {{ normalize_person_name('names_split.full_name_cleaned') }}
        end as full_name,
        names_split.first_name,
        names_split.last_name,
        {{ standardised_email_columns('names_split', 'email') }},
        {{ phone_to_e164('names_split.phone_cleaned', calling_code) }} as phone,
        {{ phone_extension('names_split.phone_cleaned') }} as phone_extension,
        names_split.company_name,
        names_split.job_title,
        names_split.city,
        country_aliases.country_code,
        names_split.lead_source,
        names_split.lifecycle_status,
        names_split.owner_name,
        names_split.email_cleaned,
        names_split.phone_cleaned,
        names_split.country_cleaned,
        names_split.is_name_swapped,
        names_split.created_at,
        names_split.updated_at,
        names_split.row_fingerprint,
        names_split._batch_id,
        names_split._row_number,
        names_split._loaded_at
    from names_split
    {{ email_domain_typo_join('names_split', 'email') }}
    left outer join country_aliases
        on names_split.country_cleaned = country_aliases.alias
    left outer join countries
        on country_aliases.country_code = countries.country_code

),

checked as (

    select
        standardised.*,
        standardised.country_cleaned is not null and standardised.country_code is null as has_unknown_country,
        case
            when standardised.contact_id is null then 'missing_natural_key'
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

{{ version_deliveries('contact_points_checked', 'contact_id', "deduplicated.updated_at") }},

final as (

    select
        contact_id,
        full_name,
        first_name,
        last_name,
        email,
        email_as_given,
        phone,
        phone_extension,
        company_name,
        job_title,
        city,
        country_code,
        lead_source,
        lifecycle_status,
        owner_name,
        row_fingerprint,
        quarantine_reason,
        case when is_usable then usable_version_rank end as version_number,
        case when is_usable then usable_version_count end as version_count,
        is_email_placeholder,
        has_invalid_email,
        is_phone_placeholder,
        has_invalid_phone,
        has_unknown_country,
        is_name_swapped,
        is_exact_duplicate,
        is_usable and usable_version_rank = 1 as is_current_version,
        created_at,
        updated_at,
        _batch_id,
        _row_number,
        _loaded_at,
        {{ run_started_at_second() }} as built_at
    from versioned

)

select * from final
