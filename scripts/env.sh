# Sourced by the other scripts: puts cargo's and npm's tools on the PATH.
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"
