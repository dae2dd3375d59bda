{#
    How well the churn label would have done on past days: for each
    recording time T of the segment history (an as-of point) whose whole
    horizon has been observed, every customer who had bought before (a
    lifecycle stage other than prospect at T) is labelled as history knew it
    at T, and the label is compared with what the customer did next: an order
    that is not cancelled in [T, T + churn_backtest_horizon_days days) means
    the customer did not churn. Churn is the positive class. Two labels are
    judged: `churned` alone, and `at_risk` or `churned`. Observed means up to
    the end of the segments' as-of date; as-of points whose horizon reaches
    beyond it are left out, so with a single day of history (or history
    recorded on the wall clock, after the data) the model is empty.
#}

{%- set horizon_days = var('churn_backtest_horizon_days') %}

with

membership_history as (

    select * from {{ ref('fct_segment_memberships_history') }}

),

orders as (

    select * from {{ ref('fct_orders') }}

),

segments as (

    select * from {{ ref('dim_customer_segments') }}

),

observed as (

    select
        cast({{ dbt.dateadd('day', 1, 'max(segments_as_of_date)') }} as timestamp) as observed_until
    from segments

),

as_of_points as (

    select distinct valid_from as as_of_at
    from membership_history

),

evaluable_points as (

    select
        as_of_points.as_of_at,
        {{ dbt.dateadd('day', horizon_days, 'as_of_points.as_of_at') }} as horizon_end_at
    from as_of_points
    cross join observed
    where {{ dbt.dateadd('day', horizon_days, 'as_of_points.as_of_at') }} <= observed.observed_until

),

labelled as (

    select
        evaluable_points.as_of_at,
        evaluable_points.horizon_end_at,
        membership_history.customer_id,
        membership_history.segment_name as lifecycle_stage
    from evaluable_points
    inner join membership_history
        on
            evaluable_points.as_of_at >= membership_history.valid_from
            and (membership_history.valid_to is null or evaluable_points.as_of_at < membership_history.valid_to)
    where
        membership_history.segment_type = 'lifecycle_stage'
        and not membership_history.is_deleted
        and membership_history.segment_name <> 'prospect'

),

outcomes as (

    select
        labelled.as_of_at,
        labelled.horizon_end_at,
        labelled.customer_id,
        labelled.lifecycle_stage,
        count(orders.order_id) = 0 as has_churned
    from labelled
    left outer join orders
        on
            labelled.customer_id = orders.customer_id
            and not orders.is_cancelled
            and labelled.as_of_at <= orders.ordered_at
            and labelled.horizon_end_at > orders.ordered_at
    group by
        labelled.as_of_at,
        labelled.horizon_end_at,
        labelled.customer_id,
        labelled.lifecycle_stage

),

{# which lifecycle stages each label calls churned #}
label_stages as (

    select
        'churned' as churn_label,
        'churned' as lifecycle_stage
    union all
    select
        'at_risk_or_churned' as churn_label,
        'at_risk' as lifecycle_stage
    union all
    select
        'at_risk_or_churned' as churn_label,
        'churned' as lifecycle_stage

),

churn_labels as (

    select distinct churn_label
    from label_stages

),

predictions as (

    select
        outcomes.as_of_at,
        outcomes.horizon_end_at,
        churn_labels.churn_label,
        outcomes.has_churned,
        label_stages.lifecycle_stage is not null as is_predicted
    from outcomes
    cross join churn_labels
    left outer join label_stages
        on
            churn_labels.churn_label = label_stages.churn_label
            and outcomes.lifecycle_stage = label_stages.lifecycle_stage

),

confusion as (

    select
        as_of_at,
        horizon_end_at,
        churn_label,
        count(*) as customer_count,
        sum(case when is_predicted and has_churned then 1 else 0 end) as true_positive_count,
        sum(case when is_predicted and not has_churned then 1 else 0 end) as false_positive_count,
        sum(case when not is_predicted and has_churned then 1 else 0 end) as false_negative_count,
        sum(case when not is_predicted and not has_churned then 1 else 0 end) as true_negative_count
    from predictions
    group by
        as_of_at,
        horizon_end_at,
        churn_label

),

final as (

    select
        churn_label,
        cast({{ horizon_days }} as integer) as horizon_days,
        cast(customer_count as bigint) as customer_count,
        cast(true_positive_count + false_positive_count as bigint) as predicted_churn_count,
        cast(true_positive_count + false_negative_count as bigint) as actual_churn_count,
        cast(true_positive_count as bigint) as true_positive_count,
        cast(false_positive_count as bigint) as false_positive_count,
        cast(false_negative_count as bigint) as false_negative_count,
        cast(true_negative_count as bigint) as true_negative_count,
        cast({{ customer360.round_half_up(
            '1.0 * true_positive_count / nullif(true_positive_count + false_positive_count, 0)', 4
        ) }} as numeric(5, 4)) as churn_precision,
        cast({{ customer360.round_half_up(
            '1.0 * true_positive_count / nullif(true_positive_count + false_negative_count, 0)', 4
        ) }} as numeric(5, 4)) as churn_recall,
        as_of_at,
        horizon_end_at
    from confusion

)

select * from final
