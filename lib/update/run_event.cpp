#include "update/run_event.hpp"

namespace wu::update {

const char* event_name(EventType t) {
  switch (t) {
    case EventType::RunStarted: return "RunStarted";
    case EventType::MigrationCreated: return "MigrationCreated";
    case EventType::MigrationSucceeded: return "MigrationSucceeded";
    case EventType::MigrationFailed: return "MigrationFailed";
    case EventType::TargetPodUnschedulable: return "TargetPodUnschedulable";
    case EventType::EvictionBatchStarted: return "EvictionBatchStarted";
    case EventType::Evicted: return "Evicted";
    case EventType::EvacuationStarted: return "EvacuationStarted";
    case EventType::EvictionRefused: return "EvictionRefused";
    case EventType::VmiRestarted: return "VmiRestarted";
    case EventType::VmiStaysDown: return "VmiStaysDown";
    case EventType::VmiUpdated: return "VmiUpdated";
    case EventType::VmiStuck: return "VmiStuck";
    case EventType::VmiSkipped: return "VmiSkipped";
    case EventType::VmiGone: return "VmiGone";
    case EventType::ActionFailed: return "ActionFailed";
    case EventType::Interrupted: return "Interrupted";
    case EventType::MigrationCancelled: return "MigrationCancelled";
    case EventType::DryRunAction: return "DryRunAction";
    case EventType::RunFinished: return "RunFinished";
    case EventType::Paused: return "Paused";
    case EventType::Resumed: return "Resumed";
    case EventType::LauncherImageChanged: return "LauncherImageChanged";
    case EventType::MigrationDeleted: return "MigrationDeleted";
    case EventType::Aborted: return "Aborted";
    case EventType::UpdaterPaused: return "UpdaterPaused";
    case EventType::UpdaterRestored: return "UpdaterRestored";
  }
  return "RunStarted";
}

}  // namespace wu::update
