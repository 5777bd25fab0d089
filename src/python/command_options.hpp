#pragma once
// The command helpers' keyword arguments (a JSON mapping from the facade) as CommandOptions
// and requests. Unknown keys are the facade's business; here they are ignored.
#include <ansible_runner/commands.hpp>
#include <ansible_runner/json.hpp>

namespace ansible_runner::python {

CommandOptions command_options_from_json(const Json& kwargs);

} // namespace ansible_runner::python
