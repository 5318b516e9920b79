//! Touch gesture recognition: tap, long press, drag, swipe and fling.
//!
//! The recogniser follows the first finger of a touch sequence and turns
//! its [`TouchEvent`]s, each with an explicit timestamp, into [`Gesture`]s.
//! It has no clock of its own: long presses fire from [`GestureRecognizer::poll`]
//! once the caller's time passes [`GestureRecognizer::deadline`].

use alloc::vec::Vec;
use core::time::Duration;

use weft_paint::Point;
use weft_types::TouchEvent;

use crate::event::SwipeDirection;

/// Thresholds of the recogniser, logical pixels and seconds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GestureConfig {
    /// Movement below this is still a tap.
    pub touch_slop: f32,
    /// Hold time for a long press.
    pub long_press: Duration,
    /// Release speed (pixels/second) above which a drag ends in a fling.
    pub fling_velocity: f32,
    /// Release speed above which a drag along one axis is a swipe.
    pub swipe_velocity: f32,
    /// Minimum travel of a swipe.
    pub swipe_distance: f32,
    /// Window of recent motion used to estimate release velocity.
    pub velocity_window: Duration,
}

impl Default for GestureConfig {
    fn default() -> GestureConfig {
        GestureConfig {
            touch_slop: 8.0,
            long_press: Duration::from_millis(500),
            fling_velocity: 150.0,
            swipe_velocity: 600.0,
            swipe_distance: 40.0,
            velocity_window: Duration::from_millis(100),
        }
    }
}

/// A recognised gesture.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Gesture {
    /// A finger went down.
    Press {
        /// Where.
        position: Point,
    },
    /// The finger lifted quickly without moving: a tap.
    Tap {
        /// Where.
        position: Point,
    },
    /// The finger stayed still for the long-press time.
    LongPress {
        /// Where.
        position: Point,
    },
    /// The finger moved beyond the slop.
    DragStart {
        /// Where it went down.
        origin: Point,
        /// Where it is.
        position: Point,
    },
    /// The finger moved while dragging.
    DragMove {
        /// Where it is.
        position: Point,
        /// Movement since the last drag event.
        delta: Point,
    },
    /// The finger lifted after dragging.
    DragEnd {
        /// Where.
        position: Point,
        /// Release velocity, pixels per second.
        velocity: Point,
    },
    /// The drag ended fast enough to keep moving.
    Fling {
        /// Release velocity, pixels per second.
        velocity: Point,
    },
    /// The drag was a quick flick along one axis.
    Swipe {
        /// Which way.
        direction: SwipeDirection,
    },
    /// The sequence was cancelled; forget it.
    Cancel,
}

#[derive(Clone, Copy, Debug)]
struct Sample {
    time: Duration,
    position: Point,
}

#[derive(Clone, Debug)]
struct Track {
    id: u32,
    origin: Point,
    last: Point,
    down_at: Duration,
    dragging: bool,
    long_pressed: bool,
    samples: Vec<Sample>,
}

/// Turns touch events into gestures.
#[derive(Clone, Debug, Default)]
pub struct GestureRecognizer {
    config: GestureConfig,
    track: Option<Track>,
}

impl GestureRecognizer {
    /// A recogniser with default thresholds.
    pub fn new() -> GestureRecognizer {
        GestureRecognizer::default()
    }

    /// A recogniser with custom thresholds.
    pub fn with_config(config: GestureConfig) -> GestureRecognizer {
        GestureRecognizer { config, track: None }
    }

    /// The thresholds.
    pub fn config(&self) -> &GestureConfig {
        &self.config
    }

    /// Whether a finger is being tracked.
    pub fn is_active(&self) -> bool {
        self.track.is_some()
    }

    /// When [`GestureRecognizer::poll`] next has something to report.
    pub fn deadline(&self) -> Option<Duration> {
        let track = self.track.as_ref()?;
        (!track.dragging && !track.long_pressed).then(|| track.down_at + self.config.long_press)
    }

    /// Reports time-based gestures (long press) due by `now`.
    pub fn poll(&mut self, now: Duration) -> Option<Gesture> {
        let deadline = self.deadline()?;
        let track = self.track.as_mut()?;
        if now >= deadline {
            track.long_pressed = true;
            return Some(Gesture::LongPress { position: track.last });
        }
        None
    }

    /// Feeds one touch event that happened at `now`.
    pub fn feed(&mut self, event: &TouchEvent, now: Duration) -> Vec<Gesture> {
        let mut gestures = Vec::new();
        if let Some(gesture) = self.poll(now) {
            gestures.push(gesture);
        }
        match *event {
            TouchEvent::Down { id, x, y } => {
                if self.track.is_none() {
                    let position = Point::new(x, y);
                    self.track = Some(Track {
                        id,
                        origin: position,
                        last: position,
                        down_at: now,
                        dragging: false,
                        long_pressed: false,
                        samples: alloc::vec![Sample { time: now, position }],
                    });
                    gestures.push(Gesture::Press { position });
                }
            }
            TouchEvent::Motion { id, x, y } => {
                let slop = self.config.touch_slop;
                let window = self.config.velocity_window;
                let Some(track) = self.track.as_mut().filter(|track| track.id == id) else {
                    return gestures;
                };
                let position = Point::new(x, y);
                track.samples.push(Sample { time: now, position });
                track.samples.retain(|sample| now.saturating_sub(sample.time) <= window * 2);
                if !track.dragging {
                    let distance = libm::hypotf(x - track.origin.x, y - track.origin.y);
                    if distance > slop && !track.long_pressed {
                        track.dragging = true;
                        gestures.push(Gesture::DragStart { origin: track.origin, position });
                        gestures.push(Gesture::DragMove {
                            position,
                            delta: Point::new(x - track.origin.x, y - track.origin.y),
                        });
                        track.last = position;
                    }
                } else {
                    gestures.push(Gesture::DragMove {
                        position,
                        delta: Point::new(x - track.last.x, y - track.last.y),
                    });
                    track.last = position;
                }
            }
            TouchEvent::Up { id } => {
                let Some(track) = self.track.take_if(|track| track.id == id) else {
                    return gestures;
                };
                if track.dragging {
                    let velocity = self.velocity(&track, now);
                    gestures.push(Gesture::DragEnd { position: track.last, velocity });
                    let speed = libm::hypotf(velocity.x, velocity.y);
                    if speed >= self.config.fling_velocity {
                        gestures.push(Gesture::Fling { velocity });
                    }
                    if let Some(direction) = self.swipe(&track, velocity) {
                        gestures.push(Gesture::Swipe { direction });
                    }
                } else if !track.long_pressed {
                    gestures.push(Gesture::Tap { position: track.last });
                }
            }
            TouchEvent::Cancel => {
                if self.track.take().is_some() {
                    gestures.push(Gesture::Cancel);
                }
            }
        }
        gestures
    }

    fn velocity(&self, track: &Track, now: Duration) -> Point {
        let window = self.config.velocity_window;
        let recent: Vec<&Sample> =
            track.samples.iter().filter(|sample| now.saturating_sub(sample.time) <= window).collect();
        let (Some(first), Some(last)) = (recent.first(), recent.last()) else {
            return Point::default();
        };
        let seconds = last.time.saturating_sub(first.time).as_secs_f32();
        if seconds <= 0.0 {
            return Point::default();
        }
        Point::new(
            (last.position.x - first.position.x) / seconds,
            (last.position.y - first.position.y) / seconds,
        )
    }

    fn swipe(&self, track: &Track, velocity: Point) -> Option<SwipeDirection> {
        let dx = track.last.x - track.origin.x;
        let dy = track.last.y - track.origin.y;
        let horizontal = libm::fabsf(dx) > 2.0 * libm::fabsf(dy);
        let vertical = libm::fabsf(dy) > 2.0 * libm::fabsf(dx);
        let fast = |speed: f32| libm::fabsf(speed) >= self.config.swipe_velocity;
        let far = |distance: f32| libm::fabsf(distance) >= self.config.swipe_distance;
        if horizontal && fast(velocity.x) && far(dx) {
            Some(if dx < 0.0 { SwipeDirection::Left } else { SwipeDirection::Right })
        } else if vertical && fast(velocity.y) && far(dy) {
            Some(if dy < 0.0 { SwipeDirection::Up } else { SwipeDirection::Down })
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(value: u64) -> Duration {
        Duration::from_millis(value)
    }

    #[test]
    fn quick_still_touch_is_a_tap() {
        let mut recognizer = GestureRecognizer::new();
        recognizer.feed(&TouchEvent::Down { id: 1, x: 10.0, y: 10.0 }, ms(0));
        recognizer.feed(&TouchEvent::Motion { id: 1, x: 12.0, y: 11.0 }, ms(40));
        let gestures = recognizer.feed(&TouchEvent::Up { id: 1 }, ms(80));
        assert_eq!(gestures, [Gesture::Tap { position: Point::new(10.0, 10.0) }]);
    }

    #[test]
    fn holding_still_is_a_long_press_not_a_tap() {
        let mut recognizer = GestureRecognizer::new();
        recognizer.feed(&TouchEvent::Down { id: 1, x: 10.0, y: 10.0 }, ms(0));
        assert_eq!(recognizer.deadline(), Some(ms(500)));
        assert_eq!(recognizer.poll(ms(499)), None);
        assert_eq!(recognizer.poll(ms(500)), Some(Gesture::LongPress { position: Point::new(10.0, 10.0) }));
        assert!(recognizer.feed(&TouchEvent::Up { id: 1 }, ms(700)).is_empty());
    }

    #[test]
    fn fast_horizontal_drag_is_a_swipe_and_fling() {
        let mut recognizer = GestureRecognizer::new();
        recognizer.feed(&TouchEvent::Down { id: 3, x: 200.0, y: 100.0 }, ms(0));
        let mut all = Vec::new();
        for step in 1..=5u64 {
            all.extend(
                recognizer.feed(
                    &TouchEvent::Motion { id: 3, x: 200.0 - 30.0 * step as f32, y: 101.0 },
                    ms(step * 10),
                ),
            );
        }
        all.extend(recognizer.feed(&TouchEvent::Up { id: 3 }, ms(55)));
        assert!(matches!(all[0], Gesture::DragStart { .. }));
        let Some(Gesture::DragEnd { velocity, .. }) =
            all.iter().find(|gesture| matches!(gesture, Gesture::DragEnd { .. }))
        else {
            panic!("no drag end in {all:?}")
        };
        assert!((velocity.x + 3000.0).abs() < 1.0, "{velocity:?}");
        assert!(all.contains(&Gesture::Swipe { direction: SwipeDirection::Left }));
        assert!(all.iter().any(|gesture| matches!(gesture, Gesture::Fling { .. })));
    }

    #[test]
    fn slow_drag_that_stops_has_no_fling() {
        let mut recognizer = GestureRecognizer::new();
        recognizer.feed(&TouchEvent::Down { id: 1, x: 0.0, y: 0.0 }, ms(0));
        recognizer.feed(&TouchEvent::Motion { id: 1, x: 0.0, y: 50.0 }, ms(100));
        let gestures = recognizer.feed(&TouchEvent::Up { id: 1 }, ms(600));
        assert_eq!(
            gestures,
            [Gesture::DragEnd { position: Point::new(0.0, 50.0), velocity: Point::default() }]
        );
    }

    #[test]
    fn second_finger_and_cancel() {
        let mut recognizer = GestureRecognizer::new();
        recognizer.feed(&TouchEvent::Down { id: 1, x: 0.0, y: 0.0 }, ms(0));
        assert!(recognizer.feed(&TouchEvent::Down { id: 2, x: 5.0, y: 5.0 }, ms(1)).is_empty());
        assert!(recognizer.feed(&TouchEvent::Up { id: 2 }, ms(2)).is_empty());
        assert_eq!(recognizer.feed(&TouchEvent::Cancel, ms(3)), [Gesture::Cancel]);
        assert!(!recognizer.is_active());
    }
}
