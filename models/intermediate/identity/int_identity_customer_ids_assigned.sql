{{
    config(
        materialized='incremental',
        unique_key='record_key',
        incremental_strategy='delete+insert',
        full_refresh=false,
        on_schema_change='fail',
        meta={'compress_text': true},
    )
}}
{#
    The memory of which customer_id each source record belongs to. It is
    never rebuilt (full_refresh=false), so ids survive `dbt build
    --full-refresh`; every run writes only the records whose id is new or
    changed. Rules, in order:
    - a customer_id stays with the cluster holding most of its records (ties:
      the smaller cluster key); the rest of its records were split off;
    - a cluster keeps the oldest customer_id that stays with it (ties: the
      smaller id); any other id staying with it is merged into that one;
    - a cluster with no id gets a new one, md5 of its cluster key (salted
      with the run's start time in the rare case that id was already used).
#}
{%- set run_at = customer360.run_started_at_second() -%}

with

{#
    Only a cluster computed since this model last wrote can change an id.
    After every run each id belongs to one cluster and each cluster holds one
    id; a cluster that was not computed again holds the same records, so its
    id has all its records there and stays. The clusters computed again hold
    every record of each id they take in (their old clusters were removed
    whole), so the rules below decide them alone as they would over the whole
    graph. "Since" is after the latest assigned_at, or at that second in an
    invocation that did not write then (the stamps are to the second, and the
    invocation that wrote read every cluster computed before it). A run that
    wrote nothing, or failed, leaves the mark earlier: more clusters are read,
    to no effect.
#}
{% if is_incremental() %}
    last_write as (

        select coalesce(max(assigned_at), cast('0001-01-01 00:00:00' as timestamp)) as assigned_at
        from {{ this }}

    ),

    {# the invocations that wrote at that second: they had read every cluster computed before them #}
    last_writers as (

        select distinct written.assigned_in_invocation_id
        from {{ this }} as written
        inner join last_write
            on written.assigned_at = last_write.assigned_at
        where written.assigned_in_invocation_id is not null

    ),
{% endif %}

clusters as (

    select computed_clusters.*
    from {{ ref('int_identity_clusters_resolved') }} as computed_clusters
    {% if is_incremental() %}
        cross join last_write
        where
            computed_clusters.built_at > last_write.assigned_at
            or (
                computed_clusters.built_at = last_write.assigned_at
                and computed_clusters.built_in_invocation_id not in (
                    select last_writers.assigned_in_invocation_id from last_writers
                )
            )
    {% endif %}

),

{# read where it is used: the ids already used are looked up for the candidates only #}
previous_assignments as {{ not_materialized() }} (

    {% if is_incremental() %}
        select * from {{ this }}
    {% else %}
        {# the first run knows no ids yet: an empty state of the right shape #}
        select
            cast(null as {{ dbt.type_string() }}) as record_key,
            cast(null as {{ dbt.type_string() }}) as customer_id,
            cast(null as timestamp) as customer_id_created_at
        where 1 = 0
    {% endif %}

),

clustered_records as (

    select
        clusters.record_key,
        clusters.cluster_key,
        previous_assignments.customer_id as previous_customer_id,
        previous_assignments.customer_id_created_at as previous_customer_id_created_at
    from clusters
    left outer join previous_assignments
        on clusters.record_key = previous_assignments.record_key

),

id_spread as (

    select
        previous_customer_id as customer_id,
        cluster_key,
        min(previous_customer_id_created_at) as customer_id_created_at,
        count(*) as records_in_cluster
    from clustered_records
    where previous_customer_id is not null
    group by previous_customer_id, cluster_key

),

id_homes as (

    select
        customer_id,
        cluster_key,
        customer_id_created_at,
        row_number() over (
            partition by customer_id
            order by records_in_cluster desc, cluster_key asc
        ) = 1 as is_home_cluster
    from id_spread

),

surviving_ids as (

    select
        cluster_key,
        customer_id,
        customer_id_created_at
    from (
        select
            cluster_key,
            customer_id,
            customer_id_created_at,
            row_number() over (
                partition by cluster_key
                order by customer_id_created_at, customer_id
            ) as survival_rank
        from id_homes
        where is_home_cluster
    ) as ranked
    where survival_rank = 1

),

candidate_ids as (

    select distinct
        cluster_key,
        {{ dbt.concat(["'CUS-'", 'substr(md5(cluster_key), 1, 16)']) }} as candidate_id
    from clustered_records

),

{# of the ids ever used, those a candidate would repeat: a lookup of the few candidates, not a list of every id #}
used_candidate_ids as (

    select distinct previous_assignments.customer_id
    from previous_assignments
    where previous_assignments.customer_id in (select candidate_ids.candidate_id from candidate_ids)

),

{# salted with the run's start time in case this id was used before (by a cluster since split) #}
{%- set salted_key = dbt.concat(['cluster_keys.cluster_key', "'|'", "'" ~ run_started_at.isoformat() ~ "'"]) -%}
{%- set salted_id = dbt.concat(["'CUS-'", "substr(md5(" ~ salted_key ~ "), 1, 16)"]) %}
minted_ids as (

    select
        cluster_keys.cluster_key,
        case
            when used_candidate_ids.customer_id is null then cluster_keys.candidate_id
            else {{ salted_id }}
        end as customer_id
    from candidate_ids as cluster_keys
    left outer join used_candidate_ids
        on cluster_keys.candidate_id = used_candidate_ids.customer_id

),

decided as (

    select
        clustered_records.record_key,
        clustered_records.cluster_key,
        clustered_records.previous_customer_id,
        coalesce(surviving_ids.customer_id, minted_ids.customer_id) as customer_id,
        coalesce(surviving_ids.customer_id_created_at, {{ run_at }}) as customer_id_created_at,
        previous_homes.is_home_cluster as is_previous_id_home
    from clustered_records
    left outer join surviving_ids
        on clustered_records.cluster_key = surviving_ids.cluster_key
    left outer join minted_ids
        on clustered_records.cluster_key = minted_ids.cluster_key
    left outer join id_homes as previous_homes
        on
            clustered_records.previous_customer_id = previous_homes.customer_id
            and clustered_records.cluster_key = previous_homes.cluster_key

),

final as (

    select
        record_key,
        customer_id,
        previous_customer_id,
        case
            when previous_customer_id is null then 'new_record'
            when is_previous_id_home then 'merged'
            else 'split'
        end as assignment_reason,
        '{{ invocation_id }}' as assigned_in_invocation_id,
        customer_id_created_at,
        {{ run_at }} as assigned_at
    from decided
    {# only what is new or changed is written; unchanged records keep their row #}
    where
        previous_customer_id is null
        or previous_customer_id <> customer_id

)

select * from final
