-- RRR counts a merchant's daily transfers of one night (999 per merchant and night, not per platform).
drop index transfer_daily_running_number;
create unique index transfer_daily_running_number on transfer (merchant_id, transfer_date, running_number) where method = 'Daily';
