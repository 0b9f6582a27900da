-- Office hours: a brand's schedule and an expert's own (NULL: none; an expert without one
-- follows the brand's). The JSON of ebb_core::schedule::ScheduleSpec, checked by core.
ALTER TABLE brands ADD COLUMN office_hours TEXT;
ALTER TABLE experts ADD COLUMN office_hours TEXT;
