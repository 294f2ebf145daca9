// Running a job of the thread-pooled Encoder and Decoder (bind_encoder.cpp,
// bind_decoder.cpp) from Python: the guard that keeps the job's inputs alive
// for its tasks, and the wait that stays responsive to Ctrl-C.
#pragma once

#include <pybind11/pybind11.h>

#include <chrono>
#include <memory>
#include <mutex>
#include <utility>

#include "parallel/thread_pool.hpp"

namespace frame64::bindings {

// How often a waiting call takes the GIL back to look for Ctrl-C.
inline constexpr std::chrono::milliseconds kSignalCheckInterval{50};

// Keeps a job's inputs valid for its tasks (`group`, already submitted): if
// the caller leaves early (an exception, Ctrl-C), the job is cancelled and its
// running tasks waited for before the inputs are released. Job has cancel().
template <class Job>
class JobGuard {
public:
    JobGuard(parallel::ThreadPool& pool, std::shared_ptr<Job> job, std::shared_ptr<parallel::TaskGroup> group)
        : pool_(pool), job_(std::move(job)), group_(std::move(group)) {}
    ~JobGuard() {
        if (group_->finished()) return;
        job_->cancel();
        pybind11::gil_scoped_release release;  // the tasks never need the GIL
        pool_.wait(*group_);
    }
    JobGuard(const JobGuard&) = delete;
    JobGuard& operator=(const JobGuard&) = delete;
    parallel::TaskGroup& group() const noexcept { return *group_; }

private:
    parallel::ThreadPool& pool_;
    std::shared_ptr<Job> job_;
    std::shared_ptr<parallel::TaskGroup> group_;
};

// Waits for the guard's tasks with the GIL released (their inputs are pinned
// and they touch no Python object). Every kSignalCheckInterval, and once at
// the end, calls `collect()` with the GIL held (to take what has finished so
// far), then looks for Ctrl-C; an exception from either leaves through the
// guard, which cancels the rest. Rethrows an internal failure of the tasks.
template <class Job, class Collect>
void wait_responsive(parallel::ThreadPool& pool, JobGuard<Job>& guard, Collect&& collect) {
    for (;;) {
        bool finished;
        {
            pybind11::gil_scoped_release release;
            finished = pool.wait_until(guard.group(), std::chrono::steady_clock::now() + kSignalCheckInterval);
        }
        collect();
        if (finished) {
            guard.group().rethrow_if_failed();  // the tasks keep their errors: only an internal failure
            return;
        }
        if (PyErr_CheckSignals() != 0) throw pybind11::error_already_set();
    }
}

// Locks `mutex` for a caller that holds the GIL, and returns with the GIL
// held. A contended lock is waited for with the GIL released: a thread that
// blocks on it holding the GIL (or, on a free-threaded build, attached to the
// interpreter) deadlocks with the holder as soon as the holder needs the GIL
// back, or makes a Python object that starts a stop-the-world collection.
inline std::unique_lock<std::mutex> lock_releasing_gil(std::mutex& mutex) {
    std::unique_lock<std::mutex> lock(mutex, std::try_to_lock);
    if (!lock.owns_lock()) {
        pybind11::gil_scoped_release release;
        lock.lock();
    }
    return lock;
}

}  // namespace frame64::bindings
