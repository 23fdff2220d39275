# -*- Python -*-
import os
import lit.formats
from lit.llvm import llvm_config

config.name = "Steed"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.steed_obj_root, "test")
config.excludes = ["CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py.in", "e2e", "runtime", "Inputs"]

llvm_config.use_default_substitutions()
config.substitutions.append(("%PYTHON", "/usr/bin/python3"))
config.substitutions.append(("%shared", config.steed_shared_dir))
tool_dirs = [config.steed_tools_dir, config.llvm_tools_dir]
llvm_config.add_tool_substitutions(["steed-opt", "steedc", "steed-run"], tool_dirs)
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
