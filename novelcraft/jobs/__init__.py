"""The job machinery (DESIGN §8): submit and estimate, the huey queue, thin tasks, the runner
that executes jobs, the owner that hosts the consumer (and its HTTP API), and the detached
worker process.

Import the submodule you need (`novelcraft.jobs.submit`, `novelcraft.jobs.owner`, ...): this
package imports nothing itself, so loading one part never drags in the rest.
"""
