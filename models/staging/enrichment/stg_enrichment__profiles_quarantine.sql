{{ config(schema='quarantine', tags=['quarantine']) }}

with

source as (

    select * from {{ source('enrichment', 'profiles') }}

),

base_profiles as (

    select * from {{ ref('base_enrichment__profiles') }}

),

final as (

    select
        cast('enrichment' as {{ dbt.type_string() }}) as source_name,
        cast('enrichment_profiles' as {{ dbt.type_string() }}) as table_name,
        base_profiles.profile_id as record_id,
        base_profiles.quarantine_reason,
        source._batch_id,
        source._row_number,
        source._loaded_at,
        source.profile_id,
        source.email,
        source.email_sha256,
        source.full_name,
        source.gender,
        source.age_band,
        source.income_band,
        source.occupation,
        source.interests,
        source.city,
        source.postal_code,
        source.country,
        source.provider,
        source.refreshed_at
    from source
    inner join base_profiles
        on
            source._batch_id = base_profiles._batch_id
            and source._row_number = base_profiles._row_number
    where
        base_profiles.quarantine_reason is not null
        and not base_profiles.is_exact_duplicate

)

select * from final
