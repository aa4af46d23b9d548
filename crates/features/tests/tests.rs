//! The feature pipeline on real data: what a row holds, when there is none, and that no
//! row ever looks past its time.

mod cross;
mod helper;
mod inputs;
mod live;
mod look_ahead;
mod rows;
mod stored;
