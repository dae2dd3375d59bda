{{ config(schema='quarantine', tags=['quarantine']) }}

with

source as (

    select * from {{ source('loyalty', 'members') }}

),

base_members as (

    select * from {{ ref('base_loyalty__members') }}

),

final as (

    select
        cast('loyalty' as {{ dbt.type_string() }}) as source_name,
        cast('loyalty_members' as {{ dbt.type_string() }}) as table_name,
        base_members.member_id as record_id,
        base_members.quarantine_reason,
        source._batch_id,
        source._row_number,
        source._loaded_at,
        source.member_id,
        source.card_number,
        source.email,
        source.phone,
        source.first_name,
        source.last_name,
        source.birth_date,
        source.postal_code,
        source.country,
        source.tier,
        source.points_balance,
        source.enrolled_at,
        source.updated_at
    from source
    inner join base_members
        on
            source._batch_id = base_members._batch_id
            and source._row_number = base_members._row_number
    where
        base_members.quarantine_reason is not null
        and not base_members.is_exact_duplicate

)

select * from final
