-- One row per day: the time spine MetricFlow joins time-based metrics to (see _semantic__models.yml).
with

days as (

    {{ day_spine("cast('2000-01-01' as date)", "cast('2099-12-31' as date)") }}

),

final as (

    select cast(day_on as date) as date_day
    from days

)

select * from final
